using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>An SR or RR (RFC 3550 §6.4.1, §6.4.2) read from a validated <see cref="RtcpPacket"/>.</summary>
public readonly ref struct RtcpReport
{
    private readonly ReadOnlySpan<byte> _body;

    internal RtcpReport(bool isSenderReport, int blockCount, ReadOnlySpan<byte> body)
    {
        IsSenderReport = isSenderReport;
        BlockCount = blockCount;
        _body = body;
    }

    public bool IsSenderReport { get; }

    public int BlockCount { get; }

    /// <summary>SSRC of the packet's sender.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    /// <summary>Sender information of an SR; default for an RR.</summary>
    public RtcpSenderInfo SenderInfo => IsSenderReport
        ? new RtcpSenderInfo(
            BinaryPrimitives.ReadUInt64BigEndian(_body[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(_body[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(_body[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(_body[20..]))
        : default;

    public RtcpReportBlock GetBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BlockCount);
        return RtcpReportBlock.Read(_body[(BlocksOffset(IsSenderReport) + (index * RtcpReportBlock.Length))..]);
    }

    internal static int BlocksOffset(bool isSenderReport) => 4 + (isSenderReport ? RtcpSenderInfo.Length : 0);
}
