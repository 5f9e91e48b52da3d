using System.Buffers.Binary;
using CallCenter.Media.Codecs;
using CallCenter.Media.Rtp;

namespace CallCenter.Tests.Support;

/// <summary>
/// In-band DTMF as a phone without RFC 4733 sends it: keys as tones in 20 ms G.711 RTP packets, and the same
/// packets as a classic pcap (Ethernet, IPv4, UDP; the layout SIPp's play_pcap_audio reads) for scenarios.
/// </summary>
public static class InBandDtmfRtp
{
    public const int FrameSamples = 160;

    /// <summary>Each key <paramref name="onMilliseconds"/> long at −10 dBm0 per tone, with pauses, as RTP datagrams.</summary>
    public static List<byte[]> Packets(string keys, AudioCodec codec, double onMilliseconds = 100, double offMilliseconds = 100, uint ssrc = 0x1234_5678)
    {
        var signal = new TestSignal().Silence(offMilliseconds);
        foreach (var key in keys)
        {
            signal.Digit(key, -10, onMilliseconds).Silence(offMilliseconds);
        }

        var pcm = signal.ToPcm();
        var packets = new List<byte[]>();
        for (var frame = 0; (frame + 1) * FrameSamples <= pcm.Length; frame++)
        {
            var datagram = new byte[RtpPacket.FixedHeaderLength + FrameSamples];
            var payloadType = codec == AudioCodec.Pcmu ? (byte)0 : (byte)8;
            RtpHeaderWriter.WriteFixedHeader(datagram, frame == 0, payloadType, (ushort)frame, (uint)(frame * FrameSamples), ssrc);
            G711.Encode(codec, pcm.AsSpan(frame * FrameSamples, FrameSamples), datagram.AsSpan(RtpPacket.FixedHeaderLength));
            packets.Add(datagram);
        }

        return packets;
    }

    /// <summary>The datagrams as a pcap file, 20 ms apart, from 10.0.0.1:6000 to 10.0.0.2:6002.</summary>
    public static byte[] Pcap(IReadOnlyList<byte[]> datagrams)
    {
        using var file = new MemoryStream();
        var global = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(global, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(global.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(global.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(global.AsSpan(16), 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(global.AsSpan(20), 1);
        file.Write(global);
        for (var i = 0; i < datagrams.Count; i++)
        {
            var udpLength = 8 + datagrams[i].Length;
            var frame = new byte[14 + 20 + udpLength];
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
            var ip = frame.AsSpan(14, 20);
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + udpLength));
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)i);
            ip[6] = 0x40;
            ip[8] = 64;
            ip[9] = 17;
            ip[12] = 10;
            ip[15] = 1;
            ip[16] = 10;
            ip[19] = 2;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Ipv4Checksum(ip));
            var udp = frame.AsSpan(34, 8);
            BinaryPrimitives.WriteUInt16BigEndian(udp, 6000);
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 6002);
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
            datagrams[i].CopyTo(frame.AsSpan(42));

            var record = new byte[16];
            var micros = i * 20_000L;
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(1_800_000_000 + (micros / 1_000_000)));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)(micros % 1_000_000));
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), (uint)frame.Length);
            file.Write(record);
            file.Write(frame);
        }

        return file.ToArray();
    }

    /// <summary>The UDP payloads of a pcap written by <see cref="Pcap"/> (or any Ethernet/IPv4/UDP capture).</summary>
    public static List<byte[]> ReadPcap(byte[] pcap)
    {
        var datagrams = new List<byte[]>();
        for (var at = 24; at + 16 <= pcap.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(at + 8));
            var frame = pcap.AsSpan(at + 16, length);
            var headerLength = (frame[14] & 0x0F) * 4;
            var udpLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(14 + headerLength + 4)..]);
            datagrams.Add(frame.Slice(14 + headerLength + 8, udpLength - 8).ToArray());
            at += 16 + length;
        }

        return datagrams;
    }

    private static ushort Ipv4Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
