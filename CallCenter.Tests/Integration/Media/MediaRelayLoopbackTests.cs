using System.Net;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Media;

/// <summary>
/// Two phones on loopback talk through a real relay. The relay takes its ports from 40000-40399; the phones'
/// sockets are ephemeral (if one lands in that range the relay skips the port, as it would any port in use).
/// Run with the relay's sockets on one event loop, on two (the relays spread over both), and on the runtime's async
/// sockets.
/// </summary>
[TestFixture(true, 1)]
[TestFixture(true, 2)]
[TestFixture(false, 1)]
public sealed class MediaRelayLoopbackTests(bool useEventLoop, int eventLoops)
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private MediaRelayManager _manager = null!;
    private RecordingRelayObserver _observer = null!;
    private MediaRelay _relay = null!;
    private TestPhone _phoneA = null!;
    private TestPhone _phoneB = null!;

    [SetUp]
    public void SetUp()
    {
        _manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 40000, PortMax = 40399, UseEventLoop = useEventLoop, EventLoops = eventLoops },
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        Assert.That(_manager.UsesEventLoop, Is.EqualTo(useEventLoop && OperatingSystem.IsLinux()));
        Assert.That(_manager.EventLoopCount, Is.EqualTo(_manager.UsesEventLoop ? eventLoops : 0));
        _observer = new RecordingRelayObserver();
        Assert.That(_manager.TryCreateRelay(_observer, out var relay, out var error), Is.True, error.ToString());
        _relay = relay!;
        _phoneA = TestPhone.Open();
        _phoneB = TestPhone.Open();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        _phoneA.Dispose();
        _phoneB.Dispose();
    }

    private IPEndPoint RelayA => _relay.LocalRtpEndPoint(MediaLegSide.A);
    private IPEndPoint RelayB => _relay.LocalRtpEndPoint(MediaLegSide.B);

    private static MediaLegSettings Settings(TestPhone phone, AudioCodec codec = AudioCodec.Pcmu, byte? events = 101) => new()
    {
        RemoteRtp = phone.RtpEndPoint,
        RemoteRtcp = phone.RtcpEndPoint,
        Codec = codec,
        PayloadType = codec == AudioCodec.Pcmu ? (byte)0 : (byte)8,
        TelephoneEventPayloadType = events,
    };

    private void ConfigureBoth(AudioCodec codecA = AudioCodec.Pcmu, AudioCodec codecB = AudioCodec.Pcmu)
    {
        _relay.Configure(MediaLegSide.A, Settings(_phoneA, codecA));
        _relay.Configure(MediaLegSide.B, Settings(_phoneB, codecB, events: 96));
    }

    private static byte[] Audio(ushort sequence, uint ssrc, byte payloadType = 0) =>
        RtpTestPackets.Audio(payloadType, sequence, sequence * 160u, ssrc, RtpTestPackets.Frame(sequence));

    /// <summary>Counters are bumped by the relay's loops; wait (bounded) until one shows what the test did.</summary>
    private async Task<MediaLegStatistics> StatsWhenAsync(MediaLegSide side, Func<MediaLegStatistics, bool> condition)
    {
        for (var i = 0; i < 250; i++)
        {
            var stats = _relay.Statistics[side];
            if (condition(stats))
            {
                return stats;
            }

            await Task.Delay(20);
        }

        return _relay.Statistics[side];
    }

    [Test]
    public async Task Media_flows_both_ways_under_the_relays_own_stream_identity()
    {
        ConfigureBoth();

        _phoneA.SendRtp(Audio(10, 0xA0A0), RelayA);
        var atB = RtpTestPackets.Read(await _phoneB.ReceiveRtpAsync());
        _phoneB.SendRtp(Audio(500, 0xB0B0), RelayB);
        var atA = RtpTestPackets.Read(await _phoneA.ReceiveRtpAsync());

        Assert.That(atB.Payload, Is.EqualTo(RtpTestPackets.Frame(10)));
        Assert.That(atA.Payload, Is.EqualTo(RtpTestPackets.Frame(500)));
        Assert.That(atB.Ssrc, Is.Not.EqualTo(0xA0A0u).And.Not.EqualTo(atA.Ssrc), "each direction is a stream of the relay's");
        var stats = _relay.Statistics;
        Assert.That((stats.A.PacketsIn, stats.B.PacketsOut, stats.B.PacketsIn, stats.A.PacketsOut), Is.EqualTo((1L, 1L, 1L, 1L)));
        Assert.That(_manager.Statistics.Totals.PacketsIn, Is.EqualTo(2));
    }

    [Test]
    public async Task The_relay_latches_to_the_port_the_phone_really_sends_from()
    {
        // The SDP names a port where the phone does not listen (as behind a NAT that rewrites ports).
        using var decoy = TestPhone.Open();
        _relay.Configure(MediaLegSide.A, Settings(_phoneA) with { RemoteRtp = decoy.RtpEndPoint });
        _relay.Configure(MediaLegSide.B, Settings(_phoneB, events: 96));

        _phoneA.SendRtp(Audio(1, 0xA0A0), RelayA);
        await _phoneB.ReceiveRtpAsync();
        _phoneB.SendRtp(Audio(1, 0xB0B0), RelayB);

        Assert.That(RtpTestPackets.Read(await _phoneA.ReceiveRtpAsync()).Payload, Is.EqualTo(RtpTestPackets.Frame(1)));
        Assert.That(await decoy.TryReceiveRtpAsync(TimeSpan.FromMilliseconds(200)), Is.Null);
        var stats = _relay.Statistics.A;
        Assert.That(stats.Remote, Is.EqualTo(_phoneA.RtpEndPoint));
        Assert.That(stats.LatchChanges, Is.EqualTo(1));
    }

    [Test]
    public async Task A_hijack_from_another_port_after_latching_is_ignored_and_counted()
    {
        ConfigureBoth();
        using var attacker = TestPhone.Open();
        _phoneA.SendRtp(Audio(1, 0xA0A0), RelayA);
        await _phoneB.ReceiveRtpAsync();

        attacker.SendRtp(RtpTestPackets.Audio(0, 2, 320, 0xBAD, new byte[160]), RelayA);
        await StatsWhenAsync(MediaLegSide.A, s => s.ForeignSource == 1);
        _phoneA.SendRtp(Audio(3, 0xA0A0), RelayA);
        var next = RtpTestPackets.Read(await _phoneB.ReceiveRtpAsync());

        Assert.That(next.Payload, Is.EqualTo(RtpTestPackets.Frame(3)), "the attacker's packet never reached B");
        _phoneB.SendRtp(Audio(1, 0xB0B0), RelayB);
        await _phoneA.ReceiveRtpAsync();
        Assert.That(await attacker.TryReceiveRtpAsync(TimeSpan.FromMilliseconds(200)), Is.Null, "and B's media still goes to A");
        Assert.That(_relay.Statistics.A.ForeignSource, Is.EqualTo(1));
    }

    [Test]
    public async Task A_new_ssrc_on_one_side_is_one_continuous_stream_on_the_other()
    {
        ConfigureBoth();
        var received = new List<RtpHeaderFields>();
        for (ushort i = 0; i < 10; i++)
        {
            // The first five from one device, the next five from another (as after a transfer), with its own
            // SSRC, sequence and timestamp origin.
            var datagram = i < 5 ? Audio((ushort)(100 + i), 0x1111) : RtpTestPackets.Audio(0, (ushort)(60000 + i), 7_000_000u + (i * 160u), 0x2222, RtpTestPackets.Frame(i));
            _phoneA.SendRtp(datagram, RelayA);
            received.Add(RtpTestPackets.Read(await _phoneB.ReceiveRtpAsync()));
        }

        Assert.That(received.Select(r => r.Ssrc).Distinct().Count(), Is.EqualTo(1));
        for (var i = 1; i < received.Count; i++)
        {
            Assert.That(received[i].Sequence, Is.EqualTo((ushort)(received[i - 1].Sequence + 1)), $"packet {i}");
            Assert.That((int)(received[i].Timestamp - received[i - 1].Timestamp), Is.GreaterThan(0), $"packet {i}");
        }

        Assert.That(received.Select(r => r.Marker), Is.EqualTo(Enumerable.Range(0, 10).Select(i => i == 5)));
        Assert.That(_relay.Statistics.A.SourceChanges, Is.EqualTo(1));
    }

    [Test]
    public async Task Pcmu_in_comes_out_as_the_pcma_of_the_conversion_table()
    {
        ConfigureBoth(AudioCodec.Pcmu, AudioCodec.Pcma);
        var everyCode = Enumerable.Range(0, 256).Select(c => (byte)c).ToArray();

        _phoneA.SendRtp(RtpTestPackets.Audio(0, 1, 0, 0xA0A0, everyCode), RelayA);
        var atB = RtpTestPackets.Read(await _phoneB.ReceiveRtpAsync());

        Assert.That(atB.PayloadType, Is.EqualTo(8));
        Assert.That(atB.Payload, Is.EqualTo(everyCode.Select(G711.MuLawToALaw).ToArray()));
    }

    [Test]
    public async Task Each_key_press_is_reported_once_and_its_events_pass_renumbered()
    {
        ConfigureBoth();
        ushort sequence = 1;
        foreach (var (code, timestamp) in new[] { ((byte)1, 8000u), ((byte)1, 16000u), ((byte)11, 24000u) })
        {
            foreach (var frame in TelephoneEventSender.Plan(code, TimeSpan.FromMilliseconds(100), Ptime))
            {
                _phoneA.SendRtp(RtpTestPackets.Event(101, sequence++, timestamp, 0xA0A0, frame), RelayA);
            }
        }

        var payloadTypes = new List<byte>();
        for (var i = 1; i < sequence; i++)
        {
            payloadTypes.Add(RtpTestPackets.Read(await _phoneB.ReceiveRtpAsync()).PayloadType);
        }

        Assert.That(payloadTypes, Has.Count.EqualTo(21).And.All.EqualTo(96));
        Assert.That(_observer.DrainDigits().Select(d => (d.From, d.Digit.Symbol)), Is.EqualTo(new[] { (MediaLegSide.A, '1'), (MediaLegSide.A, '1'), (MediaLegSide.A, '#') }));
    }

    [Test]
    public async Task Garbage_datagrams_are_counted_and_do_not_disturb_the_flow()
    {
        ConfigureBoth();
        byte[][] garbage =
        [
            [],
            [0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            [0x80, 0x00, 0x00],
            [0x8F, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1],
            new byte[3000],
        ];
        for (ushort i = 0; i < 5; i++)
        {
            _phoneA.SendRtp(garbage[i], RelayA);
            _phoneA.SendRtp(Audio(i, 0xA0A0), RelayA);
        }

        var payloads = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            payloads.Add(RtpTestPackets.Read(await _phoneB.ReceiveRtpAsync()).Payload);
        }

        Assert.That(payloads, Is.EqualTo(Enumerable.Range(0, 5).Select(i => RtpTestPackets.Frame(i))));
        Assert.That(_relay.Statistics.A.Garbage, Is.EqualTo(5));
    }

    [Test]
    public async Task The_phones_rtcp_is_read_not_forwarded()
    {
        ConfigureBoth();
        _phoneA.SendRtp(Audio(1, 0xA0A0), RelayA);
        await _phoneB.ReceiveRtpAsync();
        _phoneB.SendRtp(Audio(1, 0xB0B0), RelayB);
        var ours = RtpTestPackets.Read(await _phoneA.ReceiveRtpAsync()).Ssrc;

        var report = new byte[64];
        var length = CallCenter.Media.Rtp.RtcpWriter.WriteReceiverReport(report, 0xA0A0, new CallCenter.Media.Rtp.RtcpReportBlock(ours, 12, 1, 1, 30, 0, 0));
        _phoneA.SendRtcp(report[..length], _relay.LocalRtcpEndPoint(MediaLegSide.A));

        var stats = await StatsWhenAsync(MediaLegSide.A, s => s.RtcpIn == 1);
        Assert.That((stats.PeerFractionLost, stats.PeerJitter), Is.EqualTo(((byte?)12, (uint?)30)));
        Assert.That(await TryReceiveAsync(_phoneB.Rtcp, TimeSpan.FromMilliseconds(200)), Is.Null);
    }

    private static async Task<byte[]?> TryReceiveAsync(System.Net.Sockets.Socket socket, TimeSpan wait)
    {
        using var deadline = new CancellationTokenSource(wait);
        try
        {
            var buffer = new byte[2048];
            var result = await socket.ReceiveFromAsync(buffer, System.Net.Sockets.SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
            return buffer[..result.ReceivedBytes];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
