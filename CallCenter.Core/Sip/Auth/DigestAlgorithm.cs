namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// The digest algorithms this server verifies. RFC 8760 §2.2 adds SHA-256 and SHA-512-256 to SIP; .NET has no
/// SHA-512/256, and no phone we target offers it, so it is refused like any other unknown name. The "-sess"
/// variants are refused too: we never offer them, and RFC 7616 §3.7 lets a client answer only an offered challenge.
/// </summary>
public enum DigestAlgorithm
{
    Md5,
    Sha256,
}
