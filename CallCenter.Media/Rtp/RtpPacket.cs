using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>
/// A read-only view over one RTP datagram (RFC 3550 §5.1). <see cref="TryRead"/> checks what the relay relies on
/// (version, CSRC list, extension and padding all inside the datagram) and never throws, so anything a socket
/// hands over can be offered to it. The view copies nothing; it lives as long as the buffer it reads.
/// </summary>
public readonly ref struct RtpPacket
{
    public const int FixedHeaderLength = 12;

    private readonly ReadOnlySpan<byte> _datagram;
    private readonly int _payloadOffset;
    private readonly int _payloadLength;

    private RtpPacket(ReadOnlySpan<byte> datagram, int payloadOffset, int payloadLength)
    {
        _datagram = datagram;
        _payloadOffset = payloadOffset;
        _payloadLength = payloadLength;
    }

    public bool HasPadding => (_datagram[0] & 0x20) != 0;
    public bool HasExtension => (_datagram[0] & 0x10) != 0;
    public int CsrcCount => _datagram[0] & 0x0F;
    public bool Marker => (_datagram[1] & 0x80) != 0;
    public byte PayloadType => (byte)(_datagram[1] & 0x7F);
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_datagram[2..]);
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_datagram[4..]);
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_datagram[8..]);

    /// <summary>Header length including CSRCs and the extension: where the payload starts.</summary>
    public int HeaderLength => _payloadOffset;

    /// <summary>The payload without header and without padding.</summary>
    public ReadOnlySpan<byte> Payload => _datagram.Slice(_payloadOffset, _payloadLength);

    /// <summary>The 16-bit profile-defined word of the header extension (§5.3.1); zero without one.</summary>
    public ushort ExtensionProfile =>
        HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_datagram[(FixedHeaderLength + (4 * CsrcCount))..]) : (ushort)0;

    /// <summary>The extension words after the 4-byte extension header; empty without one.</summary>
    public ReadOnlySpan<byte> ExtensionData
    {
        get
        {
            if (!HasExtension)
            {
                return [];
            }

            var start = FixedHeaderLength + (4 * CsrcCount);
            return _datagram[(start + 4).._payloadOffset];
        }
    }

    /// <summary>The whole datagram the view was read from.</summary>
    public ReadOnlySpan<byte> Datagram => _datagram;

    public uint Csrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_datagram[(FixedHeaderLength + (4 * index))..]);
    }

    public static bool TryRead(ReadOnlySpan<byte> datagram, out RtpPacket packet, out RtpReadError reason)
    {
        packet = default;
        if (datagram.Length < FixedHeaderLength)
        {
            reason = RtpReadError.TooShort;
            return false;
        }

        var first = datagram[0];
        if (first >> 6 != 2)
        {
            reason = RtpReadError.UnsupportedVersion;
            return false;
        }

        // RFC 5761 §4: the second octet of an SR, RR, SDES, BYE or APP packet reads as M=1 with payload type
        // 72-76; a phone doing rtcp-mux without having negotiated it sends exactly that here.
        var second = datagram[1];
        if (second is >= 200 and <= 204)
        {
            reason = RtpReadError.RtcpOnRtpPort;
            return false;
        }

        var offset = FixedHeaderLength + (4 * (first & 0x0F));
        if (offset > datagram.Length)
        {
            reason = RtpReadError.CsrcListTruncated;
            return false;
        }

        if ((first & 0x10) != 0)
        {
            // §5.3.1: 16 bits profile, 16 bits length counted in 32-bit words excluding this 4-byte header.
            if (offset + 4 > datagram.Length)
            {
                reason = RtpReadError.ExtensionTruncated;
                return false;
            }

            var words = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            offset += 4 + (4 * words);
            if (offset > datagram.Length)
            {
                reason = RtpReadError.ExtensionTruncated;
                return false;
            }
        }

        var payloadLength = datagram.Length - offset;
        if ((first & 0x20) != 0)
        {
            // §5.1: the last octet counts the padding octets including itself, so it is at least 1 and cannot
            // reach into the header.
            var padding = datagram[^1];
            if (padding == 0 || padding > payloadLength)
            {
                reason = RtpReadError.BadPadding;
                return false;
            }

            payloadLength -= padding;
        }

        packet = new RtpPacket(datagram, offset, payloadLength);
        reason = RtpReadError.None;
        return true;
    }
}
