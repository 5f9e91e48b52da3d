using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>
/// One packet inside a compound RTCP datagram, as handed out by <see cref="RtcpCompoundPacket"/>, which has
/// already checked its header, length and (for SR and RR) that its report blocks fit.
/// </summary>
public readonly ref struct RtcpPacket
{
    public const int HeaderLength = 4;

    private readonly ReadOnlySpan<byte> _packet;
    private readonly int _bodyLength;

    internal RtcpPacket(ReadOnlySpan<byte> packet, int bodyLength)
    {
        _packet = packet;
        _bodyLength = bodyLength;
    }

    /// <summary>The raw type octet; unknown types are passed through as numbers (§6.1 asks receivers to ignore them).</summary>
    public byte PacketType => _packet[1];

    /// <summary>The 5-bit count field: report blocks for SR/RR, chunks for SDES, sources for BYE.</summary>
    public int Count => _packet[0] & 0x1F;

    public bool HasPadding => (_packet[0] & 0x20) != 0;

    /// <summary>Everything after the 4-byte header, without padding.</summary>
    public ReadOnlySpan<byte> Body => _packet.Slice(HeaderLength, _bodyLength);

    /// <summary>The whole packet including header and padding.</summary>
    public ReadOnlySpan<byte> Raw => _packet;

    public bool IsReport => PacketType is (byte)RtcpPacketType.SenderReport or (byte)RtcpPacketType.ReceiverReport;

    /// <summary>The report carried by an SR or RR; false for any other type.</summary>
    public bool TryGetReport(out RtcpReport report)
    {
        if (!IsReport)
        {
            report = default;
            return false;
        }

        report = new RtcpReport(PacketType == (byte)RtcpPacketType.SenderReport, Count, Body);
        return true;
    }

    /// <summary>The SSRC every SR, RR, SDES chunk and BYE starts with; zero when the body is too short to hold one.</summary>
    public uint FirstSsrc => _bodyLength >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Body) : 0;
}
