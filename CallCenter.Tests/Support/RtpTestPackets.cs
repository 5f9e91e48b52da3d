using CallCenter.Media.Dtmf;
using CallCenter.Media.Rtp;

namespace CallCenter.Tests.Support;

/// <summary>Builds RTP datagrams for tests with the production header writer (its layout is tested on its own
/// against hand-made bytes).</summary>
public static class RtpTestPackets
{
    public static byte[] Audio(byte payloadType, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, bool marker = false)
    {
        var datagram = new byte[RtpPacket.FixedHeaderLength + payload.Length];
        RtpHeaderWriter.WriteFixedHeader(datagram, marker, payloadType, sequence, timestamp, ssrc);
        payload.CopyTo(datagram.AsSpan(RtpPacket.FixedHeaderLength));
        return datagram;
    }

    /// <summary>160 bytes of µ-law or A-law, different per sequence number so that packets can be told apart.</summary>
    public static byte[] Frame(int seed) => Enumerable.Range(0, 160).Select(i => (byte)((i * 7) + seed)).ToArray();

    public static byte[] Event(byte payloadType, ushort sequence, uint timestamp, uint ssrc, TelephoneEventFrame frame)
    {
        var datagram = new byte[RtpPacket.FixedHeaderLength + TelephoneEvent.Length];
        TelephoneEventSender.Write(datagram, frame, payloadType, sequence, timestamp, ssrc);
        return datagram;
    }

    public static RtpHeaderFields Read(ReadOnlySpan<byte> datagram)
    {
        if (!RtpPacket.TryRead(datagram, out var packet, out var reason))
        {
            throw new AssertionException($"not an RTP packet: {reason}");
        }

        return new RtpHeaderFields(packet.Marker, packet.PayloadType, packet.SequenceNumber, packet.Timestamp, packet.Ssrc, packet.Payload.ToArray());
    }
}

public sealed record RtpHeaderFields(bool Marker, byte PayloadType, ushort Sequence, uint Timestamp, uint Ssrc, byte[] Payload);
