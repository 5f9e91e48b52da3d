using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;
using CallCenter.Core.Storage.Acd;
using CallCenter.Media.Codecs;
using CallCenter.Media.Playback;
using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Ivr;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>
/// What a waiting queue caller hears, through the call layer and the real ACD on fake time, with the relay's real
/// pacing loop sending to a socket that stands for the caller's phone. Every sound of <see cref="LevelSounds"/> is a
/// constant level of its own, so each 20 ms frame the caller receives says which sound it came from, and the order
/// of the sounds is read off the frames. Extension 1000 calls sales (5000); agent a1 sits at 2001 (phone 192.0.2.10).
/// </summary>
public sealed class QueueMediaCallTests
{
    private const string Phone2001 = "192.0.2.10";
    private CallHarness _harness = null!;
    private Socket _callerRtp = null!;
    private Socket _agentRtp = null!;
    private LevelSounds _sounds = null!;
    private ConcurrentQueue<AcdQueueRecord> _records = null!;
    private AcdDispatcher? _acd;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness("1000", "2001");
        _harness.Register("2001");
        _callerRtp = Bound();
        _agentRtp = Bound();
        _sounds = new LevelSounds();
        _records = new ConcurrentQueue<AcdQueueRecord>();
        _harness.Manager.AttachQueueSounds(_sounds);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_acd is not null)
        {
            await _acd.DisposeAsync();
        }

        await _harness.DisposeAsync();
        _callerRtp.Dispose();
        _agentRtp.Dispose();
    }

    private static QueueOptions Sales => new()
    {
        Name = "sales",
        Number = "5000",
        RingTimeout = TimeSpan.FromSeconds(15),
        RetryDelay = TimeSpan.Zero,
        MusicOnHold = "jazz",
        Announce = new QueueAnnounceOptions { Frequency = TimeSpan.Zero },
    };

    private static int Port(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    [Test]
    public async Task AWaitingCallerHearsItsQueuesMusicClassAfterTheJoin()
    {
        await StartAsync(Sales);

        await JoinAsync();

        var heard = Labels(ReceiveFrames(25));
        Assert.That(heard, Is.All.EqualTo("moh"), "the jazz class, frame after frame");
        Assert.That(_sounds.ClassesAsked, Is.EqualTo(new[] { "jazz" }), "the queue's own class");
    }

    [Test]
    public async Task APositionAndWaitAnnouncementInterruptsTheMusicWithItsPromptsAndTheMusicResumes()
    {
        await StartAsync(Sales with
        {
            CallbackDigit = '3',
            Announce = new QueueAnnounceOptions { Position = true, EstimatedWait = true, Frequency = TimeSpan.Zero },
        });

        await JoinAsync();

        // First in line, no wait history: "caller number 1", "estimated wait 1 minutes" (at least one), then the
        // callback offer with the queue's own digit since it has one, then the music again.
        var heard = Collapse(Labels(ReceiveFrames(40)));
        Assert.That(heard.SkipWhile(l => l == "moh").Take(8), Is.EqualTo(new[]
        {
            "caller-number", "digit-1", "estimated-wait", "digit-1", "minutes", "callback-offer", "digit-3", "moh",
        }));
    }

    [Test]
    public async Task TheSecondCallerInLineHearsItsOwnPosition()
    {
        await StartAsync(Sales with { Announce = new QueueAnnounceOptions { Position = true, Frequency = TimeSpan.Zero } });
        await JoinAsync();
        using var second = Bound();

        var invite = AnsweredCall.Invite(_harness, "1000", "5000", Port(second));
        await AnsweredCall.AcknowledgeAsync(_harness, invite);

        var heard = Collapse(Labels(ReceiveFrames(second, 25)));
        Assert.That(heard.SkipWhile(l => l == "moh").Take(3), Is.EqualTo(new[] { "caller-number", "digit-2", "moh" }));
    }

    [Test]
    public async Task ACallerWhomAnIvrFlowHandsToTheQueueHearsTheFlowsLanguage()
    {
        await StartAsync(Sales with { Announce = new QueueAnnounceOptions { Position = true, Frequency = TimeSpan.Zero } });
        var flow = new IvrFlow { Name = "mandarin", Start = "queue", Language = "cmn", Nodes = [new IvrQueueNode("queue", "sales")] };
        _harness.Configuration.Set(_harness.Configuration.Current with
        {
            Ivr = new IvrOptions { Routes = [new IvrRoute("800", "mandarin")], Flows = [flow] },
        });
        _harness.Manager.AttachIvr(new IvrCallRouter(
            _harness.Configuration,
            new IvrPromptLibrary(Path.Combine(RepoPaths.ShippedConfig, "sounds"), NullLogger<IvrPromptLibrary>.Instance),
            new FakeDataDip(),
            _acd!.Join,
            _harness.Time,
            NullLoggerFactory.Instance));

        var invite = AnsweredCall.Invite(_harness, "1000", "800", Port(_callerRtp));
        await AnsweredCall.AcknowledgeAsync(_harness, invite);

        // The flow hands the call over on its own context and the ACD joins it on its own: the music may play for
        // a while first (seconds on a loaded machine), so wait for the announcement rather than count frames.
        var heard = Collapse(Labels(ReceiveUntilNotMusic(250).Concat(ReceiveFrames(20))));
        Assert.That(heard.SkipWhile(l => l == "moh").Take(3), Is.EqualTo(new[] { "caller-number", "digit-1", "moh" }), () => string.Join(",", heard));
        Assert.That(_sounds.PromptsAsked, Is.EqualTo(new[] { "cmn/caller-number", "cmn/digit-1" }));
    }

    [Test]
    public async Task ThePeriodicPromptPlaysAtItsIntervalInTheDefaultLanguage()
    {
        await StartAsync(Sales with
        {
            Announce = new QueueAnnounceOptions { PeriodicPrompt = "periodic", PeriodicInterval = TimeSpan.FromSeconds(60) },
        });
        await JoinAsync();
        Assert.That(Labels(ReceiveFrames(5)), Is.All.EqualTo("moh"), "nothing to say on joining");

        _harness.Time.Advance(TimeSpan.FromSeconds(60));

        // The timer's work reaches the call through its context: on a loaded machine the music plays on for a
        // while first, so wait for the announcement rather than count frames (as the language test above does).
        var heard = Collapse(Labels(ReceiveUntilNotMusic(250).Concat(ReceiveFrames(20))));
        Assert.That(heard.SkipWhile(l => l == "moh").Take(2), Is.EqualTo(new[] { "periodic", "moh" }), () => "no callback offer: no callback digit; heard " + string.Join(",", heard));
        Assert.That(_sounds.PromptsAsked.Distinct(), Is.EqualTo(new[] { "en/periodic" }));
    }

    [Test]
    public async Task AnOverflowIntoAnotherQueueSwitchesToThatQueuesClass()
    {
        var support = Sales with { Name = "support", Number = null, MusicOnHold = "rock" };
        await StartAsync([Sales with { MaxWait = TimeSpan.FromSeconds(30), OnMaxWait = new OverflowTarget(OverflowAction.Queue, "support", null) }, support]);
        await JoinAsync();
        Assert.That(Labels(ReceiveFrames(5)), Is.All.EqualTo("moh"));

        _harness.Time.Advance(TimeSpan.FromSeconds(30));

        var heard = new List<string>();
        var deadline = DateTime.UtcNow + CallHarness.Patience;
        while (!heard.Contains("moh-rock") && DateTime.UtcNow < deadline)
        {
            heard.AddRange(Labels(ReceiveFrames(1)));
        }

        heard.AddRange(Labels(ReceiveFrames(10)));
        Assert.That(Collapse(heard).SkipWhile(l => l == "moh"), Is.EqualTo(new[] { "moh-rock" }), "support's class from the overflow on, without a gap");
        Assert.That(_records.Any(r => r.Type == AcdQueueEventType.Overflow), Is.True);
    }

    [Test]
    public async Task AnOverflowToAnExtensionPlaysTheRegionsRingbackUntilItAnswers()
    {
        // Europe's ringback (the default region): 425 Hz, 1 s on, 4 s off.
        await StartAsync([Sales with { MaxWait = TimeSpan.FromSeconds(30), OnMaxWait = new OverflowTarget(OverflowAction.Extension, "2001", null) }]);
        await JoinAsync();
        Assert.That(Labels(ReceiveFrames(5)), Is.All.EqualTo("moh"));

        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        var ring = await InviteToAsync(Phone2001);

        // The first tone frames after the music: in each, 425 Hz stands far above 200, 700 and 1,000 Hz (a 20 ms
        // frame cannot tell 425 from 450 Hz; the region table's own tests do).
        var frames = ReceiveUntilNotMusic(250).Concat(ReceiveFrames(20)).Where(f => Label(f) != "moh").Take(20).Select(Samples).ToList();
        var weakest = frames.Select(f => Power(f, 425) / new[] { 200, 700, 1000 }.Max(other => Power(f, other))).Min();
        Assert.That(frames, Has.Count.EqualTo(20));
        Assert.That(weakest, Is.GreaterThan(100), "every frame of the first 400 ms is the 425 Hz ringback");

        ring.Respond(200, CallHarness.Sdp(Port(_agentRtp), formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Count > 0, "the extension's answer is acknowledged");
        await CallHarness.SettleAsync();
        Drain();
        Assert.That(Drain(), Is.Empty, "no tone once the extension answered (its own audio would be relayed)");
    }

    /// <summary>Goertzel power of one frequency in an 8 kHz frame.</summary>
    private static double Power(short[] samples, double frequency)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / 8000);
        double previous = 0, beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        return (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
    }

    [Test]
    public async Task TheMusicStopsWhenTheAgentIsConnectedSoTheCallerHearsTheAgent()
    {
        await StartAsync(Sales, "a1");
        await JoinAsync();
        var ring = await InviteToAsync(Phone2001);
        Assert.That(Labels(ReceiveFrames(5)), Is.All.EqualTo("moh"), "music while the agent's phone rings");

        ring.Respond(200, CallHarness.Sdp(Port(_agentRtp), formats: "0 101"));
        await CallHarness.UntilAsync(() => _records.Any(r => r.Type == AcdQueueEventType.Connect), "the connect");

        // The agent speaks at its own level into the relay's B side; the caller hears it, and no music after it.
        var relayB = new IPEndPoint(IPAddress.Loopback, AnsweredCall.MediaPort(ring.Request));
        using var talking = new CancellationTokenSource();
        var agent = Task.Run(() => SpeakAsync(relayB, AgentLevel, talking.Token));
        try
        {
            var after = new List<string>();
            var deadline = DateTime.UtcNow + CallHarness.Patience;
            while (!after.Contains("agent") && DateTime.UtcNow < deadline)
            {
                after.AddRange(Labels(ReceiveFrames(1)));
            }

            Assert.That(after, Does.Contain("agent"), "the agent's audio reaches the caller");
            after.AddRange(Labels(ReceiveFrames(10)));
            Assert.That(after.SkipWhile(l => l != "agent"), Is.All.EqualTo("agent"), "only the agent once it is heard");
        }
        finally
        {
            await talking.CancelAsync();
            await agent;
        }
    }

    [Test]
    public async Task ACallbackRequestIsConfirmedToTheCallerBeforeTheBye()
    {
        await StartAsync(Sales with { CallbackDigit = '2' });
        var (invite, caller) = await JoinAsync();
        Assert.That(Labels(ReceiveFrames(3)), Is.All.EqualTo("moh"));

        Assert.That((await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'))).Final.StatusCode, Is.EqualTo(200));

        var heard = new List<string>();
        while (!heard.Contains("callback-confirm"))
        {
            heard.AddRange(Labels(ReceiveFrames(1)));
        }

        Assert.That(_harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), Is.False, "no BYE while the confirmation plays");
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), "the BYE to the caller");

        // Everything the relay sent was sent before the BYE: the whole confirmation, then its silent tail.
        heard.AddRange(Labels(Drain()));
        Assert.That(heard.Count(l => l == "callback-confirm"), Is.EqualTo(LevelSounds.PromptFrames), "the whole prompt");
        Assert.That(heard.SkipWhile(l => l != "callback-confirm").SkipWhile(l => l == "callback-confirm"), Is.All.EqualTo("silence").And.Not.Empty,
            "silence after it, so that the phone plays the prompt's end out");
        Assert.That(_records.Any(r => r.Type == AcdQueueEventType.CallbackRequest), Is.True);
        Assert.That(_records.Any(r => r.Type == AcdQueueEventType.Abandon), Is.False);
    }

    [Test]
    public async Task AMissingClassPlaysComfortNoiseAndAMissingPromptIsLeftOut()
    {
        _sounds.Missing.Add("jazz");
        _sounds.Missing.Add("estimated-wait");
        await StartAsync(Sales with
        {
            Announce = new QueueAnnounceOptions { Position = true, EstimatedWait = true, Frequency = TimeSpan.Zero },
        });

        await JoinAsync();

        var frames = ReceiveFrames(40);
        var heard = Collapse(Labels(frames));
        Assert.That(heard.SkipWhile(l => l == "noise").Take(5), Is.EqualTo(new[] { "caller-number", "digit-1", "minutes", "noise" }),
            "\"estimated wait\" is left out: one 1 runs into the next");
        var noise = frames.Where(f => Label(f) == "noise").SelectMany(Samples).ToList();
        Assert.That(noise.Average(s => Math.Abs((double)s)), Is.InRange(2, 100), "faint noise, neither digital silence nor music");
    }

    private Task StartAsync(QueueOptions queue, params string[] logins) => StartAsync([queue], logins);

    private async Task StartAsync(QueueOptions[] queues, params string[] logins)
    {
        var queue = queues[0];
        var current = _harness.Configuration.Current;
        var agent = new AgentOptions
        {
            Id = "a1",
            Name = "Agent a1",
            Pin = "1234",
            DefaultExtension = "2001",
            Queues = [new QueueMembershipOptions(queue.Name, 0)],
        };
        var options = current with
        {
            Queues = new QueuesOptions { Queues = [.. queues], NoAnswer = new NoAnswerPolicy { MaxMissedOffers = 0 } },
            Extensions = current.Extensions with { Agents = [agent] },
        };
        _harness.Configuration.Set(options);
        var control = new AcdCallControl(_harness.Manager, NullLogger<AcdCallControl>.Instance);
        _acd = new AcdDispatcher(options.Queues, options.Extensions, _harness.Time, control, new Records(_records), NullLoggerFactory.Instance);
        control.Attach(_acd);
        foreach (var login in logins)
        {
            Assert.That(await _acd.LoginAsync(login, "2001"), Is.EqualTo(AgentCommandResult.Done));
        }
    }

    /// <summary>1000 dials sales and is answered by the server; the ACD has put it in line and armed its timers.</summary>
    private async Task<(RecordingServerTransaction Invite, PhoneDialog Dialog)> JoinAsync()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "5000", Port(_callerRtp));
        var dialog = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await CallHarness.UntilAsync(() => _records.Any(r => r.Type == AcdQueueEventType.EnterQueue), "the caller in line");

        // The record is written before the join's deadlines are armed; a snapshot is taken on the ACD's loop after
        // the whole join, so fake time moved on from here reaches those deadlines.
        await _acd!.GetSnapshotAsync();
        return (invite, dialog);
    }

    private async Task<SentInvite> InviteToAsync(string address)
    {
        SentInvite? found = null;
        await CallHarness.UntilAsync(
            () => (found = _harness.Invites.Sent.FirstOrDefault(s => s.Target.EndPoint.Address.ToString() == address)) is not null,
            "an INVITE to " + address);
        return found!;
    }

    private List<byte[]> ReceiveFrames(int count) => ReceiveFrames(_callerRtp, count);

    /// <summary>Frames up to and including the first that is not music, at most <paramref name="limit"/>.</summary>
    private List<byte[]> ReceiveUntilNotMusic(int limit)
    {
        var frames = new List<byte[]>();
        while (frames.Count < limit && (frames.Count == 0 || Label(frames[^1]) == "moh"))
        {
            frames.AddRange(ReceiveFrames(1));
        }

        return frames;
    }

    private static List<byte[]> ReceiveFrames(Socket socket, int count)
    {
        socket.ReceiveTimeout = (int)CallHarness.Patience.TotalMilliseconds;
        var frames = new List<byte[]>();
        var buffer = new byte[2048];
        while (frames.Count < count)
        {
            var length = socket.Receive(buffer);
            frames.Add(buffer[..length]);
        }

        return frames;
    }

    /// <summary>What arrived and is still waiting in the caller's socket.</summary>
    private List<byte[]> Drain()
    {
        var frames = new List<byte[]>();
        var buffer = new byte[2048];
        while (_callerRtp.Available > 0)
        {
            var length = _callerRtp.Receive(buffer);
            frames.Add(buffer[..length]);
        }

        return frames;
    }

    /// <summary>PCMU frames at <paramref name="level"/> from the agent's port to the relay, every 20 ms.</summary>
    private async Task SpeakAsync(IPEndPoint relay, short level, CancellationToken cancellation)
    {
        var packet = new byte[12 + 160];
        packet[0] = 0x80;
        G711.EncodeMuLaw(Enumerable.Repeat(level, 160).ToArray(), packet.AsSpan(12));
        packet[8] = 0x12;
        for (ushort sequence = 1; !cancellation.IsCancellationRequested && sequence < 500; sequence++)
        {
            packet[2] = (byte)(sequence >> 8);
            packet[3] = (byte)sequence;
            var timestamp = (uint)(sequence * 160);
            packet[4] = (byte)(timestamp >> 24);
            packet[5] = (byte)(timestamp >> 16);
            packet[6] = (byte)(timestamp >> 8);
            packet[7] = (byte)timestamp;
            await _agentRtp.SendToAsync(packet, relay, cancellation).ConfigureAwait(false);
            try
            {
                await Task.Delay(20, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private const short AgentLevel = 14_000;

    private static short[] Samples(byte[] frame)
    {
        Assert.That(frame[1] & 0x7F, Is.Zero, "PCMU, the caller's first codec");
        return [.. frame.Skip(12).Select(G711.DecodeMuLaw)];
    }

    private static IEnumerable<string> Labels(IEnumerable<byte[]> frames) => frames.Select(Label);

    /// <summary>The sound a frame came from, by its level (G.711 keeps a constant within a few percent).</summary>
    private static string Label(byte[] frame)
    {
        var samples = Samples(frame);
        var level = samples.Average(s => (double)s);
        if (samples.All(s => Math.Abs((int)s) <= 8))
        {
            return "silence";
        }

        if (samples.All(s => Math.Abs((int)s) < 200))
        {
            return "noise";
        }

        if (Math.Abs(level - AgentLevel) < AgentLevel * 0.05)
        {
            return "agent";
        }

        foreach (var (name, value) in LevelSounds.Levels)
        {
            if (Math.Abs(level - value) < value * 0.05)
            {
                return name;
            }
        }

        return "unknown " + level.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs of the same sound as one.</summary>
    private static List<string> Collapse(IEnumerable<string> labels)
    {
        var runs = new List<string>();
        foreach (var label in labels)
        {
            if (runs.Count == 0 || runs[^1] != label)
            {
                runs.Add(label);
            }
        }

        return runs;
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Every prompt and the music as a constant level of its own, <see cref="PromptFrames"/> frames long.</summary>
    private sealed class LevelSounds : IQueueSounds
    {
        public const int PromptFrames = 3;

        public static readonly (string Name, short Level)[] Levels =
        [
            ("moh", 500), ("moh-rock", 1_000), ("caller-number", 2_000), ("digit-1", 3_000), ("digit-2", 3_600), ("digit-3", 4_300), ("estimated-wait", 5_000),
            ("minutes", 6_500), ("callback-offer", 8_500), ("callback-confirm", 10_500), ("periodic", 12_500),
        ];

        private readonly MusicOnHoldClass _jazz = MusicOnHoldClass.FromTracks("jazz", [Constant(500, 50)]);
        private readonly MusicOnHoldClass _rock = MusicOnHoldClass.FromTracks("rock", [Constant(1_000, 50)]);

        public ConcurrentBag<string> Missing { get; } = [];

        public ConcurrentQueue<string> ClassesAsked { get; } = new();

        public ConcurrentQueue<string> PromptsAsked { get; } = new();

        public string DefaultLanguage => "en";

        public ReadOnlyMemory<short> Prompt(string language, string name)
        {
            PromptsAsked.Enqueue(language + "/" + name);
            return Missing.Contains(name) || Levels.All(l => l.Name != name)
                ? ReadOnlyMemory<short>.Empty
                : Constant(Levels.First(l => l.Name == name).Level, PromptFrames);
        }

        public MusicOnHoldClass? MusicOnHold(string name)
        {
            ClassesAsked.Enqueue(name);
            return Missing.Contains(name) ? null : name == "rock" ? _rock : _jazz;
        }

        private static short[] Constant(short level, int frames) => Enumerable.Repeat(level, frames * 160).ToArray();
    }

    private sealed class Records(ConcurrentQueue<AcdQueueRecord> records) : IAcdRecordSink
    {
        public void Queue(AcdQueueRecord record) => records.Enqueue(record);

        public void AgentState(AcdAgentStateRecord record)
        {
        }
    }
}
