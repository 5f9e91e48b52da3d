namespace CallCenter.Core.Sip.Auth;

/// <summary>What <see cref="DigestNonceManager.Validate"/> found out about a nonce a client sent back.</summary>
public enum NonceValidity
{
    /// <summary>Issued by this process for this realm and younger than the lifetime.</summary>
    Valid,

    /// <summary>Issued by us but older than the lifetime: answer stale=true if the digest itself is right.</summary>
    Expired,

    /// <summary>Not ours: wrong MAC, wrong realm, malformed, or issued before this process started (new key).</summary>
    Unknown,
}
