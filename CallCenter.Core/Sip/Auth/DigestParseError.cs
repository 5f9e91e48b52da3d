namespace CallCenter.Core.Sip.Auth;

/// <summary>Why a credentials header value was refused. For logs only: never sent back on the wire.</summary>
public enum DigestParseError
{
    None,
    Empty,
    NotDigestScheme,
    Syntax,
    DuplicateParameter,
    TooManyParameters,
    MissingUsername,
    MissingRealm,
    MissingNonce,
    MissingUri,
    MissingResponse,
    UnsupportedAlgorithm,
    UnsupportedQop,
    MissingNonceCount,
    MissingClientNonce,
    MalformedNonceCount,
    UnexpectedNonceCount,
    MalformedResponse,
    UnsupportedUserhash,
}
