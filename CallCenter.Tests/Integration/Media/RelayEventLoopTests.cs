using System.Net;
using CallCenter.Media.Codecs;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Media;

/// <summary>
/// What the event loops shared by many relays must get right beyond what a single relay shows: each socket's
/// datagrams reach that relay only, and a relay that closes while media still arrives neither disturbs the others
/// nor leaves a registration behind that a later relay (reusing its slots) would inherit. Run with one loop for all
/// relays and with three (the relays dealt out among them). Relay ports 41000-41199.
/// </summary>
[TestFixture(1)]
[TestFixture(3)]
public sealed class RelayEventLoopTests(int eventLoops)
{
    private const int Relays = 12;

    private MediaRelayManager _manager = null!;
    private readonly List<IDisposable> _phones = [];

    [SetUp]
    public void SetUp()
    {
        Assume.That(OperatingSystem.IsLinux(), "the event loop is Linux's");
        _manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 41000, PortMax = 41199, EventLoops = eventLoops },
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        Assert.That(_manager.EventLoopCount, Is.EqualTo(eventLoops));
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        }

        foreach (var phone in _phones)
        {
            phone.Dispose();
        }

        _phones.Clear();
    }

    private (MediaRelay Relay, TestPhone A, TestPhone B) OpenCall()
    {
        Assert.That(_manager.TryCreateRelay(new RecordingRelayObserver(), out var relay, out var error), Is.True, error.ToString());
        var a = TestPhone.Open();
        var b = TestPhone.Open();
        _phones.Add(a);
        _phones.Add(b);
        relay!.Configure(MediaLegSide.A, new MediaLegSettings { RemoteRtp = a.RtpEndPoint, RemoteRtcp = a.RtcpEndPoint, Codec = AudioCodec.Pcmu, PayloadType = 0 });
        relay.Configure(MediaLegSide.B, new MediaLegSettings { RemoteRtp = b.RtpEndPoint, RemoteRtcp = b.RtcpEndPoint, Codec = AudioCodec.Pcmu, PayloadType = 0 });
        return (relay, a, b);
    }

    /// <summary>A frame that names its call, so that a datagram delivered to the wrong relay is seen.</summary>
    private static byte[] Frame(int call, ushort sequence, uint ssrc) =>
        RtpTestPackets.Audio(0, sequence, sequence * 160u, ssrc, Enumerable.Repeat((byte)call, 160).ToArray());

    private static async Task ExpectCallAsync(TestPhone phone, int call)
    {
        var packet = RtpTestPackets.Read(await phone.ReceiveRtpAsync());
        Assert.That(packet.Payload[0], Is.EqualTo((byte)call), "the datagram reached the phones of its own call");
    }

    [Test]
    public async Task Every_call_hears_its_own_media_through_the_shared_loop()
    {
        var calls = Enumerable.Range(0, Relays).Select(_ => OpenCall()).ToList();
        Assert.That(_manager.Statistics.RelaysPerEventLoop, Has.Count.EqualTo(eventLoops).And.All.EqualTo(Relays / eventLoops));

        for (ushort sequence = 1; sequence <= 3; sequence++)
        {
            for (var i = 0; i < calls.Count; i++)
            {
                var (relay, a, b) = calls[i];
                a.SendRtp(Frame(i, sequence, 0xA000u + (uint)i), relay.LocalRtpEndPoint(MediaLegSide.A));
                b.SendRtp(Frame(i, sequence, 0xB000u + (uint)i), relay.LocalRtpEndPoint(MediaLegSide.B));
            }

            for (var i = 0; i < calls.Count; i++)
            {
                await ExpectCallAsync(calls[i].B, i);
                await ExpectCallAsync(calls[i].A, i);
            }
        }

        Assert.That(_manager.Statistics.Totals.PacketsOut, Is.EqualTo(Relays * 2 * 3));
    }

    [Test]
    public async Task A_relay_closed_under_traffic_leaves_the_others_and_its_successor_unharmed()
    {
        var calls = Enumerable.Range(0, 3).Select(_ => OpenCall()).ToList();
        var (closing, closingA, _) = calls[1];
        var closingPort = closing.LocalRtpEndPoint(MediaLegSide.A);

        // Keep datagrams arriving at the relay while it closes, so that it goes away with events in flight.
        using var stop = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            for (ushort sequence = 1; !stop.IsCancellationRequested; sequence++)
            {
                closingA.SendRtp(Frame(1, sequence, 0xA001), closingPort);
                await Task.Yield();
            }
        });

        await Task.Delay(50);
        await closing.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        await stop.CancelAsync();
        await flood.WaitAsync(TestPhone.Patience);

        // The next relay takes the freed registrations.
        var successor = OpenCall();
        calls[1] = successor;
        for (var i = 0; i < calls.Count; i++)
        {
            var (relay, a, b) = calls[i];
            a.SendRtp(Frame(i, 100, 0xA100u + (uint)i), relay.LocalRtpEndPoint(MediaLegSide.A));
            await ExpectCallAsync(b, i);
            b.SendRtp(Frame(i, 100, 0xB100u + (uint)i), relay.LocalRtpEndPoint(MediaLegSide.B));
            await ExpectCallAsync(a, i);
        }

        Assert.That(successor.Relay.Statistics.A.PacketsIn, Is.EqualTo(1), "nothing of the closed relay's traffic is counted by its successor");
    }
}
