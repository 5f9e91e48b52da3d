using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Media;

/// <summary>
/// How a manager with several event loops deals relays out and ends them: a new relay goes to the loop serving the
/// fewest, both legs of a relay (RTP and RTCP) are read by one thread, and disposing the manager ends every loop
/// and closes every socket. Relay ports 41200-41399.
/// </summary>
[TestFixture]
public sealed class RelayEventLoopAssignmentTests
{
    private const int PortMin = 41200;
    private const int PortMax = 41399;
    private const int Loops = 3;

    private MediaRelayManager _manager = null!;
    private readonly List<IDisposable> _phones = [];

    [SetUp]
    public void SetUp()
    {
        Assume.That(OperatingSystem.IsLinux(), "the event loops are Linux's");
        _manager = NewManager(Loops);
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

    private static MediaRelayManager NewManager(int loops) => new(
        new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = PortMin, PortMax = PortMax, EventLoops = loops },
        TimeProvider.System,
        NullLogger<MediaRelayManager>.Instance);

    private (MediaRelay Relay, TestPhone A, TestPhone B) OpenCall(IMediaRelayObserver? observer = null)
    {
        Assert.That(_manager.TryCreateRelay(observer ?? new RecordingRelayObserver(), out var relay, out var error), Is.True, error.ToString());
        var a = TestPhone.Open();
        var b = TestPhone.Open();
        _phones.Add(a);
        _phones.Add(b);
        relay!.Configure(MediaLegSide.A, Settings(a));
        relay.Configure(MediaLegSide.B, Settings(b));
        return (relay, a, b);
    }

    private static MediaLegSettings Settings(TestPhone phone) => new()
    {
        RemoteRtp = phone.RtpEndPoint,
        RemoteRtcp = phone.RtcpEndPoint,
        Codec = AudioCodec.Pcmu,
        PayloadType = 0,
        TelephoneEventPayloadType = 101,
    };

    private static async Task ExpectRelayedAsync((MediaRelay Relay, TestPhone A, TestPhone B) call, ushort sequence)
    {
        call.A.SendRtp(RtpTestPackets.Audio(0, sequence, sequence * 160u, 0xA1, RtpTestPackets.Frame(sequence)), call.Relay.LocalRtpEndPoint(MediaLegSide.A));
        Assert.That(RtpTestPackets.Read(await call.B.ReceiveRtpAsync()).Payload, Is.EqualTo(RtpTestPackets.Frame(sequence)));
        call.B.SendRtp(RtpTestPackets.Audio(0, sequence, sequence * 160u, 0xB1, RtpTestPackets.Frame(sequence + 1)), call.Relay.LocalRtpEndPoint(MediaLegSide.B));
        Assert.That(RtpTestPackets.Read(await call.A.ReceiveRtpAsync()).Payload, Is.EqualTo(RtpTestPackets.Frame(sequence + 1)));
    }

    [Test]
    public void The_default_is_one_loop_per_core_up_to_four()
    {
        Assert.That(new MediaRelayOptions().EventLoopCount, Is.EqualTo(Math.Min(Environment.ProcessorCount, 4)));
        Assert.That(new MediaRelayOptions { EventLoops = 7 }.EventLoopCount, Is.EqualTo(7));
    }

    [Test]
    public async Task A_new_relay_goes_to_the_loop_serving_the_fewest()
    {
        var calls = Enumerable.Range(0, 2 * Loops).Select(_ => OpenCall()).ToList();
        Assert.That(_manager.Statistics.RelaysPerEventLoop, Is.EqualTo(new[] { 2, 2, 2 }));

        // Empty loop 1, and take one relay off loop 2.
        var onLoop1 = calls.Where(c => c.Relay.EventLoopIndex == 1).ToList();
        var onLoop2 = calls.First(c => c.Relay.EventLoopIndex == 2);
        foreach (var call in onLoop1.Append(onLoop2))
        {
            await call.Relay.DisposeAsync();
            calls.Remove(call);
        }

        Assert.That(_manager.Statistics.RelaysPerEventLoop, Is.EqualTo(new[] { 2, 0, 1 }));

        var next = Enumerable.Range(0, 3).Select(_ => OpenCall()).ToList();
        Assert.That(next.Select(c => c.Relay.EventLoopIndex).Order(), Is.EqualTo(new int?[] { 1, 1, 2 }), "the emptied loop fills first, then the lighter one");
        Assert.That(_manager.Statistics.RelaysPerEventLoop, Is.EqualTo(new[] { 2, 2, 2 }));

        ushort sequence = 1;
        foreach (var call in calls.Concat(next))
        {
            await ExpectRelayedAsync(call, sequence++);
        }
    }

    [Test]
    public async Task Both_legs_of_a_relay_are_read_by_one_thread_and_relays_on_other_loops_by_others()
    {
        var observer = new ThreadRecordingObserver();
        var calls = Enumerable.Range(0, Loops).Select(_ => OpenCall(observer)).ToList();
        Assert.That(calls.Select(c => c.Relay.EventLoopIndex).Order(), Is.EqualTo(new int?[] { 0, 1, 2 }));

        ushort sequence = 1;
        foreach (var (relay, a, b) in calls)
        {
            foreach (var (phone, side, ssrc) in new[] { (a, MediaLegSide.A, 0xA2u), (b, MediaLegSide.B, 0xB2u) })
            {
                foreach (var frame in TelephoneEventSender.Plan(5, TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(20)))
                {
                    phone.SendRtp(RtpTestPackets.Event(101, sequence++, 8000, ssrc, frame), relay.LocalRtpEndPoint(side));
                }
            }
        }

        var threads = await observer.WaitForAsync(2 * Loops);
        var perRelay = calls.Select(c => threads.Where(t => t.Relay == c.Relay).Select(t => t.Thread).Distinct().ToList()).ToList();
        Assert.That(perRelay, Has.All.Count.EqualTo(1), "both legs of a relay are handled on one thread");
        Assert.That(perRelay.Select(t => t[0]).Distinct().Count(), Is.EqualTo(Loops), "each loop is a thread of its own");
    }

    [Test]
    public async Task Disposing_the_manager_ends_every_loop_and_closes_every_socket()
    {
        var loopThreadsBefore = LoopThreads();
        await using (var manager = NewManager(Loops))
        {
            Assert.That(LoopThreads(), Is.EqualTo(loopThreadsBefore + Loops));
            for (var i = 0; i < 2 * Loops; i++)
            {
                Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out _, out var error), Is.True, error.ToString());
            }

            Assert.That(manager.Statistics.RelaysPerEventLoop, Is.EqualTo(new[] { 2, 2, 2 }));
            await manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);

            Assert.That(manager.ActiveRelays, Is.Zero);
            Assert.That(manager.Statistics.RelaysPerEventLoop, Is.EqualTo(new[] { 0, 0, 0 }));
            Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out _, out var refused), Is.False);
            Assert.That(refused, Is.EqualTo(MediaRelayError.Stopped));
        }

        // The fixture's own manager opened no relay, so the disposed one had the first pairs of the range.
        var waited = Stopwatch.StartNew();
        while (LoopThreads() != loopThreadsBefore && waited.Elapsed < TestPhone.Patience)
        {
            await Task.Delay(10);
        }

        Assert.That(LoopThreads(), Is.EqualTo(loopThreadsBefore), "the loop threads ended");
        for (var port = PortMin; port < PortMin + (2 * Loops * 4); port++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            Assert.That(() => socket.Bind(new IPEndPoint(IPAddress.Loopback, port)), Throws.Nothing, $"port {port} was given back");
        }
    }

    /// <summary>Live threads of this process named as event loops (Linux keeps the first 15 bytes of a name).</summary>
    private static int LoopThreads()
    {
        var count = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith("Media relay eve", StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }

        return count;
    }

    private sealed class ThreadRecordingObserver : IMediaRelayObserver
    {
        private readonly ConcurrentQueue<(MediaRelay Relay, MediaLegSide Side, int Thread)> _seen = new();

        public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit) => _seen.Enqueue((relay, from, Environment.CurrentManagedThreadId));

        public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence)
        {
        }

        public async Task<IReadOnlyList<(MediaRelay Relay, MediaLegSide Side, int Thread)>> WaitForAsync(int count)
        {
            var waited = Stopwatch.StartNew();
            while (_seen.Count < count && waited.Elapsed < TestPhone.Patience)
            {
                await Task.Delay(10);
            }

            return [.. _seen];
        }
    }
}
