namespace CallCenter.Core.Sip.Auth;

/// <summary>Identifies an issued nonce inside <see cref="DigestNonceManager"/>'s replay table.</summary>
public readonly record struct NonceId(long Issued, ulong Random);
