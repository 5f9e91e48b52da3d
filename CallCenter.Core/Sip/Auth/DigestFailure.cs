namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// Why credentials were refused. It goes to the server log and the failure tracker, never onto the wire: the
/// client sees the same challenge whatever the reason, so it cannot tell an unknown user from a wrong password.
/// </summary>
public enum DigestFailure
{
    Malformed,
    RealmMismatch,
    UserMismatch,
    UriMismatch,

    /// <summary>RFC 2069 form (no qop) with SHA-256: only legacy MD5 phones get that leniency.</summary>
    QopRequired,
    UnknownUser,

    /// <summary>The user exists but has no HA1 for the algorithm the client chose (an MD5-only credential).</summary>
    AlgorithmNotConfigured,

    /// <summary>The answer uses an algorithm the configuration does not offer (a downgrade or a confused phone).</summary>
    AlgorithmNotOffered,
    WrongResponse,
}
