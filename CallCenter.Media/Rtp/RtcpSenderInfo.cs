namespace CallCenter.Media.Rtp;

/// <summary>The sender information of an SR (RFC 3550 §6.4.1): when the report was made in wall-clock (NTP) and
/// RTP time, and how much the sender has sent so far.</summary>
public readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    public const int Length = 20;

    /// <summary>The middle 32 bits of the NTP timestamp: what a receiver echoes as LSR (§6.4.1).</summary>
    public uint CompactNtpTimestamp => (uint)(NtpTimestamp >> 16);
}
