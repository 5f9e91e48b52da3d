using System.Net;
using System.Net.Sockets;
using CallCenter.Media.Codecs;
using CallCenter.Media.Relay;
using CallCenter.Media.Rtp;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Media;

/// <summary>Ports, heartbeat and RTCP timing of real relays; time is the fake clock's (the heartbeat fires inside
/// Advance), the sockets are real. Relay ports come from 40400-40999. Run with the relays' sockets on one event
/// loop, on two (the relays spread over both), and on the runtime's async sockets.</summary>
[TestFixture(true, 1)]
[TestFixture(true, 2)]
[TestFixture(false, 1)]
public sealed class MediaRelayLifecycleTests(bool useEventLoop, int eventLoops)
{
    private readonly List<IAsyncDisposable> _managers = [];

    [TearDown]
    public async Task TearDown()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        }

        _managers.Clear();
    }

    private MediaRelayManager Manager(FakeTimeProvider time, int portMin, int portMax, TimeSpan mediaTimeout = default)
    {
        var manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = portMin, PortMax = portMax, MediaTimeout = mediaTimeout, UseEventLoop = useEventLoop, EventLoops = eventLoops },
            time,
            NullLogger<MediaRelayManager>.Instance);
        _managers.Add(manager);
        return manager;
    }

    private static MediaLegSettings Settings(TestPhone phone) => new()
    {
        RemoteRtp = phone.RtpEndPoint,
        RemoteRtcp = phone.RtcpEndPoint,
        Codec = AudioCodec.Pcmu,
        PayloadType = 0,
    };

    private static bool PortFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Test]
    public async Task Ports_run_out_without_an_exception_and_come_back_when_a_relay_closes()
    {
        // Four pairs: two relays of two legs each.
        const int first = 40900;
        const int last = 40907;
        Assume.That(Enumerable.Range(first, 8).All(PortFree), "another program holds a port of the test range");
        var manager = Manager(new FakeTimeProvider(), first, last);
        var observer = new RecordingRelayObserver();

        Assert.That(manager.TryCreateRelay(observer, out var one, out _), Is.True);
        Assert.That(manager.TryCreateRelay(observer, out var two, out _), Is.True);
        Assert.That(manager.TryCreateRelay(observer, out var none, out var error), Is.False);
        Assert.That((none, error), Is.EqualTo(((MediaRelay?)null, MediaRelayError.PortsExhausted)));

        var ports = new[] { one!.LocalRtpEndPoint(MediaLegSide.A).Port, one.LocalRtpEndPoint(MediaLegSide.B).Port };
        Assert.That(ports, Has.All.Matches<int>(p => p % 2 == 0 && p >= first && p < last));
        Assert.That(one.LocalRtcpEndPoint(MediaLegSide.A).Port, Is.EqualTo(ports[0] + 1));
        await one.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);

        if (manager.UsesEventLoop)
        {
            Assert.That(manager.Statistics.IdleSocketPairs, Is.EqualTo(2), "an event loop's relay leaves its sockets open for the next");
        }
        else
        {
            Assert.That(ports.Concat(ports.Select(p => p + 1)).All(PortFree), Is.True, "the sockets are closed");
        }

        Assert.That(manager.Statistics.PortPairsInUse, Is.EqualTo(2));
        Assert.That(manager.TryCreateRelay(observer, out var three, out _), Is.True, "the freed pairs are used again");
        Assert.That(new[] { three!.LocalRtpEndPoint(MediaLegSide.A).Port, three.LocalRtpEndPoint(MediaLegSide.B).Port }, Is.EquivalentTo(ports));

        var stats = manager.Statistics;
        Assert.That((stats.ActiveRelays, stats.RelaysCreated, stats.PortExhaustions, stats.PortPairs), Is.EqualTo((2, 3L, 1L, 4)));
        Assert.That(stats.SocketPairsReused, Is.EqualTo(manager.UsesEventLoop ? 2 : 0), "with no free port left, pairs still cooling down are taken");
        await two!.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        await three.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        Assert.That(manager.Statistics.PortPairsInUse, Is.Zero);
    }

    [Test]
    public async Task A_closed_relays_sockets_serve_a_later_call_after_the_cool_down_and_arrive_empty()
    {
        const int first = 40920;
        const int last = 40939;
        Assume.That(Enumerable.Range(first, last - first + 1).All(PortFree), "another program holds a port of the test range");
        var time = new FakeTimeProvider();
        var manager = Manager(time, first, last);
        if (!KeepsSockets)
        {
            await AClosedRelayFreesItsPortsAtOnceAsync(manager, first, last);
            return;
        }

        using var phoneA = TestPhone.Open();
        using var phoneB = TestPhone.Open();
        using var phoneC = TestPhone.Open();
        using var phoneD = TestPhone.Open();

        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var one, out _), Is.True);
        one!.Configure(MediaLegSide.A, Settings(phoneA));
        one.Configure(MediaLegSide.B, Settings(phoneB));
        var onePorts = new[] { one.LocalRtpEndPoint(MediaLegSide.A).Port, one.LocalRtpEndPoint(MediaLegSide.B).Port };
        var oneA = one.LocalRtpEndPoint(MediaLegSide.A);
        await one.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);

        // Phone A goes on sending after its call ended: the datagram waits in the idle socket.
        phoneA.SendRtp(RtpTestPackets.Audio(0, 7, 1120, 0xA7, RtpTestPackets.Frame(7)), oneA);

        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var two, out _), Is.True);
        Assert.That(new[] { two!.LocalRtpEndPoint(MediaLegSide.A).Port, two.LocalRtpEndPoint(MediaLegSide.B).Port }, Has.None.AnyOf(onePorts), "still cooling down: fresh ports");

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var three, out _), Is.True);
        Assert.That(new[] { three!.LocalRtpEndPoint(MediaLegSide.A).Port, three.LocalRtpEndPoint(MediaLegSide.B).Port }, Is.EqualTo(onePorts), "the oldest idle pairs, in order");
        Assert.That(manager.Statistics.SocketPairsReused, Is.EqualTo(2));
        three.Configure(MediaLegSide.A, Settings(phoneC));
        three.Configure(MediaLegSide.B, Settings(phoneD));

        // The stale datagram is gone: the next call's leg latches to its own phone and nothing old reaches it.
        phoneC.SendRtp(RtpTestPackets.Audio(0, 1, 160, 0xC1, RtpTestPackets.Frame(1)), oneA);
        Assert.That(RtpTestPackets.Read(await phoneD.ReceiveRtpAsync()).Payload, Is.EqualTo(RtpTestPackets.Frame(1)));
        var a = three.Statistics.A;
        Assert.That((a.PacketsIn, a.Remote, a.Latched), Is.EqualTo((1L, phoneC.RtpEndPoint, true)));
        Assert.That(await phoneD.TryReceiveRtpAsync(TimeSpan.FromMilliseconds(100)), Is.Null);

        await manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        Assert.That(Enumerable.Range(first, last - first + 1).All(PortFree), Is.True, "stopping closes the idle sockets too");
    }

    [Test]
    public async Task The_pool_keeps_at_most_half_the_range_and_closes_the_oldest_beyond()
    {
        const int first = 40940;
        const int last = 40951;
        Assume.That(Enumerable.Range(first, last - first + 1).All(PortFree), "another program holds a port of the test range");
        var manager = Manager(new FakeTimeProvider(), first, last);
        if (!KeepsSockets)
        {
            await AClosedRelayFreesItsPortsAtOnceAsync(manager, first, last);
            return;
        }

        var relays = new List<MediaRelay>();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var relay, out _), Is.True);
            relays.Add(relay!);
        }

        var closedFirst = new[] { relays[0].LocalRtpEndPoint(MediaLegSide.A).Port, relays[0].LocalRtpEndPoint(MediaLegSide.B).Port, relays[1].LocalRtpEndPoint(MediaLegSide.A).Port };
        foreach (var relay in relays)
        {
            await relay.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        }

        var stats = manager.Statistics;
        Assert.That((stats.IdleSocketPairs, stats.PortPairsInUse), Is.EqualTo((3, 0)), "six pairs in the range: three kept");
        Assert.That(closedFirst.Concat(closedFirst.Select(p => p + 1)).All(PortFree), Is.True, "the three oldest were closed");
    }

    [Test]
    public async Task Relays_opened_and_closed_beside_busy_event_loops_wake_none_and_are_still_served()
    {
        const int first = 40960;
        const int last = 40999;
        Assume.That(Enumerable.Range(first, last - first + 1).All(PortFree), "another program holds a port of the test range");
        var manager = Manager(new FakeTimeProvider(), first, last);

        // One relay per loop (one on the runtime's async sockets, which have no loop of ours), each shown to be
        // served: from now on every loop waits with a time limit.
        var phones = new List<TestPhone>();
        var busy = new List<MediaRelay>();
        for (var i = 0; i < Math.Max(1, manager.EventLoopCount); i++)
        {
            Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var relay, out _), Is.True);
            busy.Add(relay!);
            await ShowServedAsync(relay!, phones);
        }

        var before = manager.EventLoopWakes();
        for (var i = 0; i < 5; i++)
        {
            Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var transient, out _), Is.True);
            await transient!.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        }

        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var late, out _), Is.True);
        await ShowServedAsync(late!, phones);

        Assert.That(manager.EventLoopWakes(), Is.EqualTo(before).And.Length.EqualTo(manager.EventLoopCount),
            "opening and closing relays beside busy loops wrote no eventfd");
        Assert.That(manager.Statistics.ActiveRelays, Is.EqualTo(busy.Count + 1), "the five closed ones were let go without a wake-up");
        foreach (var phone in phones)
        {
            phone.Dispose();
        }
    }

    /// <summary>A datagram from a phone on the relay's A leg reaches the phone on its B leg.</summary>
    private static async Task ShowServedAsync(MediaRelay relay, List<TestPhone> phones)
    {
        var a = TestPhone.Open();
        var b = TestPhone.Open();
        phones.Add(a);
        phones.Add(b);
        relay.Configure(MediaLegSide.A, Settings(a));
        relay.Configure(MediaLegSide.B, Settings(b));
        a.SendRtp(RtpTestPackets.Audio(0, 1, 160, 0xA1, RtpTestPackets.Frame(1)), relay.LocalRtpEndPoint(MediaLegSide.A));
        Assert.That(RtpTestPackets.Read(await b.ReceiveRtpAsync()).Payload, Is.EqualTo(RtpTestPackets.Frame(1)));
    }

    /// <summary>Only event-loop relays (Linux) keep their closed sockets in the pool; the async-sockets relay
    /// closes them with the relay.</summary>
    private bool KeepsSockets => useEventLoop && OperatingSystem.IsLinux();

    private static async Task AClosedRelayFreesItsPortsAtOnceAsync(MediaRelayManager manager, int first, int last)
    {
        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var relay, out _), Is.True);
        Assert.That(Enumerable.Range(first, last - first + 1).All(PortFree), Is.False, "the relay holds its ports");
        await relay!.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);

        Assert.That((manager.Statistics.IdleSocketPairs, manager.Statistics.PortPairsInUse), Is.EqualTo((0, 0)), "no pool without the event loop");
        Assert.That(Enumerable.Range(first, last - first + 1).All(PortFree), Is.True, "closed with the relay");
        await manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
    }

    [Test]
    public async Task A_port_held_by_another_program_is_skipped()
    {
        const int first = 40910;
        Assume.That(Enumerable.Range(first, 6).All(PortFree), "another program holds a port of the test range");
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, first + 1));
        var manager = Manager(new FakeTimeProvider(), first, first + 5);

        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var relay, out var error), Is.True, error.ToString());
        Assert.That(new[] { relay!.LocalRtpEndPoint(MediaLegSide.A).Port, relay.LocalRtpEndPoint(MediaLegSide.B).Port }, Is.EquivalentTo(new[] { first + 2, first + 4 }));
        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out _, out error), Is.False);
        Assert.That(error, Is.EqualTo(MediaRelayError.PortsExhausted));
        await relay.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
    }

    [Test]
    public async Task A_leg_whose_rtp_stopped_is_reported_by_the_heartbeat()
    {
        var time = new FakeTimeProvider();
        var manager = Manager(time, 40400, 40499, mediaTimeout: TimeSpan.FromSeconds(3));
        var observer = new RecordingRelayObserver();
        Assert.That(manager.TryCreateRelay(observer, out var relay, out _), Is.True);
        using var phoneA = TestPhone.Open();
        using var phoneB = TestPhone.Open();
        relay!.Configure(MediaLegSide.A, Settings(phoneA));
        relay.Configure(MediaLegSide.B, Settings(phoneB));

        time.Advance(TimeSpan.FromSeconds(2));
        phoneA.SendRtp(RtpTestPackets.Audio(0, 1, 0, 0xA0A0, RtpTestPackets.Frame(1)), relay.LocalRtpEndPoint(MediaLegSide.A));
        await phoneB.ReceiveRtpAsync();
        Assert.That(observer.DrainTimeouts(), Is.Empty);

        time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.That(observer.DrainTimeouts(), Is.EqualTo(new[] { new RelayTimeout(MediaLegSide.B, TimeSpan.FromSeconds(3)) }), "B never sent; seen at the first heartbeat past 3 s");

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(observer.DrainTimeouts(), Is.EqualTo(new[] { new RelayTimeout(MediaLegSide.A, TimeSpan.FromSeconds(3)) }), "A stopped after its packet at 2 s");
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(observer.DrainTimeouts(), Is.Empty, "each silence is reported once");
        Assert.That(manager.Statistics.MediaTimeouts, Is.EqualTo(2));
    }

    [Test]
    public async Task A_timeout_of_zero_switches_the_check_off()
    {
        var time = new FakeTimeProvider();
        var manager = Manager(time, 40500, 40599);
        var observer = new RecordingRelayObserver();
        Assert.That(manager.TryCreateRelay(observer, out var relay, out _), Is.True);
        using var phone = TestPhone.Open();
        relay!.Configure(MediaLegSide.A, Settings(phone));

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.That(observer.DrainTimeouts(), Is.Empty);
        await relay.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
    }

    [Test]
    public async Task The_relay_sends_each_phone_its_own_reports()
    {
        var time = new FakeTimeProvider();
        var manager = Manager(time, 40600, 40699);
        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var relay, out _), Is.True);
        using var phoneA = TestPhone.Open();
        using var phoneB = TestPhone.Open();
        relay!.Configure(MediaLegSide.A, Settings(phoneA));
        relay.Configure(MediaLegSide.B, Settings(phoneB));

        uint ourSsrcTowardA = 0;
        for (ushort i = 0; i < 3; i++)
        {
            phoneB.SendRtp(RtpTestPackets.Audio(0, i, i * 160u, 0xB0B0, RtpTestPackets.Frame(i)), relay.LocalRtpEndPoint(MediaLegSide.B));
            ourSsrcTowardA = RtpTestPackets.Read(await phoneA.ReceiveRtpAsync()).Ssrc;
        }

        // The first report is due half an interval (2.5 s) after the relay opened, after A's next packet.
        time.Advance(TimeSpan.FromSeconds(3));
        phoneA.SendRtp(RtpTestPackets.Audio(0, 1, 0, 0xA0A0, RtpTestPackets.Frame(1)), relay.LocalRtpEndPoint(MediaLegSide.A));
        var datagram = await phoneA.ReceiveRtcpAsync();

        Assert.That(RtcpCompoundPacket.TryRead(datagram, out var compound, out var reason), Is.True, reason.ToString());
        var types = new List<byte>();
        foreach (var packet in compound)
        {
            types.Add(packet.PacketType);
            if (packet.TryGetReport(out var report))
            {
                Assert.That(report.IsSenderReport, Is.True, "we had sent A media");
                Assert.That(report.Ssrc, Is.EqualTo(ourSsrcTowardA));
                Assert.That((report.SenderInfo.PacketCount, report.SenderInfo.OctetCount), Is.EqualTo((3u, 480u)));
                Assert.That(report.BlockCount, Is.EqualTo(1));
                Assert.That(report.GetBlock(0).Ssrc, Is.EqualTo(0xA0A0u), "the block is about what A sends us");
            }
        }

        Assert.That(types, Is.EqualTo(new byte[] { 200, 202 }), "SR then SDES with our CNAME");
        Assert.That(await WaitForAsync(() => relay.Statistics.A.RtcpOut == 1), Is.True);
        await relay.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 250; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }
}
