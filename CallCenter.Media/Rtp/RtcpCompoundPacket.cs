using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>
/// A compound RTCP datagram (RFC 3550 §6.1). <see cref="TryRead"/> walks every packet header once and applies the
/// checks of §A.2 (version 2 throughout, an SR or RR first, padding only on the last packet, lengths adding up to
/// the datagram) plus one of its own: SR and RR bodies hold the report blocks they announce. After that, iterating
/// and reading reports cannot run off the buffer. It never throws on what a socket delivers.
/// </summary>
public readonly ref struct RtcpCompoundPacket
{
    private readonly ReadOnlySpan<byte> _datagram;

    private RtcpCompoundPacket(ReadOnlySpan<byte> datagram, int packetCount)
    {
        _datagram = datagram;
        PacketCount = packetCount;
    }

    public int PacketCount { get; }

    public static bool TryRead(ReadOnlySpan<byte> datagram, out RtcpCompoundPacket compound, out RtcpReadError reason)
    {
        compound = default;
        if (datagram.Length < RtcpPacket.HeaderLength)
        {
            reason = RtcpReadError.TooShort;
            return false;
        }

        var offset = 0;
        var count = 0;
        while (offset < datagram.Length)
        {
            if (datagram.Length - offset < RtcpPacket.HeaderLength)
            {
                reason = RtcpReadError.TooShort;
                return false;
            }

            var first = datagram[offset];
            if (first >> 6 != 2)
            {
                reason = RtcpReadError.UnsupportedVersion;
                return false;
            }

            var type = datagram[offset + 1];
            if (count == 0 && type is not ((byte)RtcpPacketType.SenderReport or (byte)RtcpPacketType.ReceiverReport))
            {
                reason = RtcpReadError.FirstPacketNotReport;
                return false;
            }

            // The length field counts 32-bit words minus one, so a packet is never shorter than its header.
            var length = (BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]) + 1) * 4;
            if (length > datagram.Length - offset)
            {
                reason = RtcpReadError.LengthMismatch;
                return false;
            }

            var packet = datagram.Slice(offset, length);
            if (!TryMeasureBody(packet, offset + length == datagram.Length, out _, out reason))
            {
                return false;
            }

            offset += length;
            count++;
        }

        compound = new RtcpCompoundPacket(datagram, count);
        reason = RtcpReadError.None;
        return true;
    }

    private static bool TryMeasureBody(ReadOnlySpan<byte> packet, bool isLast, out int bodyLength, out RtcpReadError reason)
    {
        bodyLength = packet.Length - RtcpPacket.HeaderLength;
        if ((packet[0] & 0x20) != 0)
        {
            if (!isLast)
            {
                reason = RtcpReadError.PaddingNotLast;
                return false;
            }

            var padding = packet[^1];
            if (padding == 0 || padding > bodyLength)
            {
                reason = RtcpReadError.BadPadding;
                return false;
            }

            bodyLength -= padding;
        }

        var type = packet[1];
        if (type is (byte)RtcpPacketType.SenderReport or (byte)RtcpPacketType.ReceiverReport)
        {
            var blocks = packet[0] & 0x1F;
            var needed = RtcpReport.BlocksOffset(type == (byte)RtcpPacketType.SenderReport) + (blocks * RtcpReportBlock.Length);
            if (needed > bodyLength)
            {
                reason = RtcpReadError.ReportTruncated;
                return false;
            }
        }

        reason = RtcpReadError.None;
        return true;
    }

    public Enumerator GetEnumerator() => new(_datagram);

    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _datagram;
        private int _next;
        private RtcpPacket _current;

        internal Enumerator(ReadOnlySpan<byte> datagram)
        {
            _datagram = datagram;
            _next = 0;
            _current = default;
        }

        public readonly RtcpPacket Current => _current;

        public bool MoveNext()
        {
            if (_next >= _datagram.Length)
            {
                return false;
            }

            // TryRead has validated every header and length, so this only re-reads them.
            var length = (BinaryPrimitives.ReadUInt16BigEndian(_datagram[(_next + 2)..]) + 1) * 4;
            var packet = _datagram.Slice(_next, length);
            var body = length - RtcpPacket.HeaderLength - ((packet[0] & 0x20) != 0 ? packet[^1] : 0);
            _current = new RtcpPacket(packet, body);
            _next += length;
            return true;
        }
    }
}
