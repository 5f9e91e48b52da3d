using System.Buffers.Binary;

namespace CallCenter.Media.Rtp;

/// <summary>
/// Rewrites fields of an RTP header in place (the relay changes SSRC, sequence, timestamp and payload type of a
/// packet it forwards without copying it), and writes a fresh fixed header for packets this server originates.
/// The datagram must already have passed <see cref="RtpPacket.TryRead"/>; a short span is a bug and throws.
/// </summary>
public static class RtpHeaderWriter
{
    public static void SetMarker(Span<byte> datagram, bool marker) =>
        datagram[1] = (byte)(marker ? datagram[1] | 0x80 : datagram[1] & 0x7F);

    public static void SetPayloadType(Span<byte> datagram, byte payloadType)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        datagram[1] = (byte)((datagram[1] & 0x80) | payloadType);
    }

    public static void SetSequenceNumber(Span<byte> datagram, ushort sequenceNumber) =>
        BinaryPrimitives.WriteUInt16BigEndian(datagram[2..], sequenceNumber);

    public static void SetTimestamp(Span<byte> datagram, uint timestamp) =>
        BinaryPrimitives.WriteUInt32BigEndian(datagram[4..], timestamp);

    public static void SetSsrc(Span<byte> datagram, uint ssrc) =>
        BinaryPrimitives.WriteUInt32BigEndian(datagram[8..], ssrc);

    /// <summary>Writes a 12-byte header (version 2, no padding, extension or CSRCs) and returns its length.</summary>
    public static int WriteFixedHeader(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        var header = destination[..RtpPacket.FixedHeaderLength];
        header[0] = 0x80;
        header[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        SetSequenceNumber(header, sequenceNumber);
        SetTimestamp(header, timestamp);
        SetSsrc(header, ssrc);
        return RtpPacket.FixedHeaderLength;
    }
}
