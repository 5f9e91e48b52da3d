using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>
/// Writes the RTCP packets this server sends about a stream it receives (RFC 3550 §6.4): an SR when it also
/// sends on that leg, otherwise an RR, each with at most one report block (a leg has one source), and the SDES
/// CNAME that §6.1 requires in every compound packet. Each method returns the bytes written; concatenate them
/// for a compound packet. A destination too small is a bug and throws.
/// </summary>
public static class RtcpWriter
{
    public const int MaxCnameLength = 255;

    public static int ReceiverReportLength(bool withBlock) => RtcpPacket.HeaderLength + 4 + (withBlock ? RtcpReportBlock.Length : 0);

    public static int SenderReportLength(bool withBlock) => ReceiverReportLength(withBlock) + RtcpSenderInfo.Length;

    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, RtcpReportBlock? block)
    {
        var length = ReceiverReportLength(block.HasValue);
        var packet = destination[..length];
        WriteHeader(packet, block.HasValue ? 1 : 0, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);
        block?.Write(packet[8..]);
        return length;
    }

    public static int WriteSenderReport(Span<byte> destination, uint ssrc, RtcpSenderInfo sender, RtcpReportBlock? block)
    {
        var length = SenderReportLength(block.HasValue);
        var packet = destination[..length];
        WriteHeader(packet, block.HasValue ? 1 : 0, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(packet[8..], sender.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[16..], sender.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[20..], sender.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(packet[24..], sender.OctetCount);
        block?.Write(packet[28..]);
        return length;
    }

    /// <summary>An SDES packet with one chunk holding only a CNAME item (§6.5, §6.5.1).</summary>
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> cname)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cname.Length, MaxCnameLength);
        // SSRC, item type and length, the text, then at least one null octet ending the item list, padded to a
        // 32-bit boundary (§6.5).
        var chunk = 4 + 2 + cname.Length + 1;
        chunk = (chunk + 3) & ~3;
        var length = RtcpPacket.HeaderLength + chunk;
        var packet = destination[..length];
        WriteHeader(packet, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);
        packet[8] = 1;
        packet[9] = (byte)cname.Length;
        cname.CopyTo(packet[10..]);
        packet[(10 + cname.Length)..].Clear();
        return length;
    }

    private static void WriteHeader(Span<byte> packet, int count, RtcpPacketType type, int length)
    {
        packet[0] = (byte)(0x80 | count);
        packet[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)((length / 4) - 1));
    }
}
