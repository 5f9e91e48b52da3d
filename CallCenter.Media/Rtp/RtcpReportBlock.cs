using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>
/// One reception report block (RFC 3550 §6.4.1): how the stream of <see cref="Ssrc"/> arrived here.
/// <see cref="CumulativeLost"/> is the signed 24-bit field (duplicates can make it negative);
/// <see cref="Jitter"/> is in RTP timestamp units; <see cref="DelaySinceLastSenderReport"/> in 1/65536 s.
/// </summary>
public readonly record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    public const int Length = 24;

    /// <summary>The 24-bit field's range; a larger count is clamped, as §A.3 does.</summary>
    public const int MaxCumulativeLost = 0x7FFFFF;
    public const int MinCumulativeLost = -0x800000;

    internal static RtcpReportBlock Read(ReadOnlySpan<byte> block)
    {
        var lostWord = BinaryPrimitives.ReadUInt32BigEndian(block[4..]);
        // Sign-extend the low 24 bits.
        var cumulative = (int)(lostWord << 8) >> 8;
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(block),
            (byte)(lostWord >> 24),
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(block[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(block[20..]));
    }

    internal void Write(Span<byte> block)
    {
        var lost = Math.Clamp(CumulativeLost, MinCumulativeLost, MaxCumulativeLost);
        BinaryPrimitives.WriteUInt32BigEndian(block, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(block[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(block[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(block[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(block[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(block[20..], DelaySinceLastSenderReport);
    }
}
