using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;
using CallCenter.Media.Rtp;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// The relay's per-packet work without the network: reading and rewriting an RTP header, and the whole forwarding
/// decision of <c>MediaRelay.ProcessRtp</c> (parse, latch check, statistics, SSRC/sequence/timestamp rewrite, and
/// PCMU→PCMA when the legs differ). Each operation first copies a fresh 172-byte G.711 packet (20 ms) into the
/// buffer, as a receive would, with the sequence number and timestamp advancing.
/// </summary>
[MemoryDiagnoser]
public class RtpBenchmarks
{
    private readonly byte[] _template = new byte[RtpPacket.FixedHeaderLength + 160];
    private readonly byte[] _buffer = new byte[2048];
    private readonly SocketAddress _phoneA = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 4000).Serialize();
    private MediaRelay _relay = null!;
    private ushort _sequence;

    [Params(false, true)]
    public bool Transcode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        RtpHeaderWriter.WriteFixedHeader(_template, false, 0, 0, 0, 0x11223344);
        _relay = new MediaRelay(1, new NoObserver(), TimeProvider.System, NullLogger.Instance, new MediaLogGate(), null, null, AddressFamily.InterNetwork, "bench"u8.ToArray(), null);
        _relay.Configure(MediaLegSide.A, new MediaLegSettings { RemoteRtp = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 4000), Codec = AudioCodec.Pcmu, PayloadType = 0 });
        var codecB = Transcode ? AudioCodec.Pcma : AudioCodec.Pcmu;
        _relay.Configure(MediaLegSide.B, new MediaLegSettings { RemoteRtp = new IPEndPoint(IPAddress.Parse("198.51.100.20"), 6000), Codec = codecB, PayloadType = Transcode ? (byte)8 : (byte)0 });
        if (!ProcessRtp())
        {
            throw new InvalidOperationException("the prepared packet is not forwarded; the benchmark would measure the drop path");
        }
    }

    private int NextPacket()
    {
        _sequence++;
        RtpHeaderWriter.SetSequenceNumber(_template, _sequence);
        RtpHeaderWriter.SetTimestamp(_template, _sequence * 160u);
        _template.CopyTo(_buffer, 0);
        return _template.Length;
    }

    [Benchmark(Baseline = true)]
    public uint ReadAndRewrite()
    {
        var length = NextPacket();
        var datagram = _buffer.AsSpan(0, length);
        if (!RtpPacket.TryRead(datagram, out var packet, out _))
        {
            return 0;
        }

        var sequence = packet.SequenceNumber;
        var timestamp = packet.Timestamp;
        RtpHeaderWriter.SetSsrc(datagram, 0xCAFEBABE);
        RtpHeaderWriter.SetSequenceNumber(datagram, (ushort)(sequence + 1000));
        RtpHeaderWriter.SetTimestamp(datagram, timestamp + 80_000);
        RtpHeaderWriter.SetPayloadType(datagram, 8);
        return timestamp;
    }

    [Benchmark]
    public bool ProcessRtp()
    {
        var length = NextPacket();
        return _relay.ProcessRtp(_relay.Leg(MediaLegSide.A), _buffer.AsSpan(0, length), _phoneA).Forward;
    }

    private sealed class NoObserver : IMediaRelayObserver
    {
        public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit)
        {
        }

        public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence)
        {
        }
    }
}
