namespace CallCenter.Media.Rtp;

/// <summary>Why a datagram is not a compound RTCP packet (RFC 3550 §6.1 and the header checks of §A.2).</summary>
public enum RtcpReadError
{
    None = 0,

    /// <summary>Shorter than one 4-byte RTCP header, or a packet's header is cut off.</summary>
    TooShort,

    /// <summary>A packet's version field is not 2.</summary>
    UnsupportedVersion,

    /// <summary>§A.2: a compound packet starts with an SR or an RR.</summary>
    FirstPacketNotReport,

    /// <summary>§A.2: only the last packet of a compound may carry padding.</summary>
    PaddingNotLast,

    /// <summary>The padding count is zero or larger than the packet it ends.</summary>
    BadPadding,

    /// <summary>A length field reaches past the datagram; the lengths do not add up to what was received.</summary>
    LengthMismatch,

    /// <summary>An SR or RR announces more report blocks than its length holds.</summary>
    ReportTruncated,
}
