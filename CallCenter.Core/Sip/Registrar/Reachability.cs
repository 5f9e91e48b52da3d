namespace CallCenter.Core.Sip.Registrar;

/// <summary>What the last OPTIONS probe (RFC 3261 §11, Asterisk's "qualify") said about a binding.</summary>
public enum Reachability
{
    /// <summary>Not probed yet since it was registered, restored from disk, or moved to a new flow.</summary>
    Unknown,

    /// <summary>The contact answered the last probe, with any status.</summary>
    Reachable,

    /// <summary>The last probe timed out or could not be sent. The binding stays (a NAT may let the phone back in
    /// on its next refresh) but call routing tries it last.</summary>
    Unreachable,
}
