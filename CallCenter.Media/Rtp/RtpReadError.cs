namespace CallCenter.Media.Rtp;

/// <summary>Why a datagram is not an RTP packet this relay will handle (RFC 3550 §5.1, §A.1 validity checks).</summary>
public enum RtpReadError
{
    None = 0,

    /// <summary>Shorter than the 12-byte fixed header.</summary>
    TooShort,

    /// <summary>The version field is not 2 (STUN, ZRTP and stray junk land here).</summary>
    UnsupportedVersion,

    /// <summary>The CSRC count promises more identifiers than the datagram holds.</summary>
    CsrcListTruncated,

    /// <summary>The X bit is set but the extension header or its words run past the end.</summary>
    ExtensionTruncated,

    /// <summary>The P bit is set but the last octet's padding count is zero or longer than what follows the header.</summary>
    BadPadding,

    /// <summary>Marker and payload type read as 200-204: this is RTCP sent to the RTP port (RFC 5761 §4).</summary>
    RtcpOnRtpPort,
}
