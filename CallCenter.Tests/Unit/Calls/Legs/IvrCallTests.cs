using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;
using CallCenter.Core.Sip.Messages;
using CallCenter.Media.Codecs;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>
/// Calls to an IVR route's number through the call layer, the IVR's adapter and a real relay (whose pacing loop
/// plays the shipped prompts on the real clock): the server answers, the caller's RTP port receives the welcome
/// prompt, and a key (RFC 4733 sent to the relay, or SIP INFO) takes the flow to its queue, extension or hang-up,
/// each of which does its SIP. Extension 1000 calls 800; 2000 is the extension the menu transfers to (phone
/// 192.0.2.10).
/// </summary>
public sealed class IvrCallTests
{
    private CallHarness _harness = null!;
    private Socket _callerRtp = null!;
    private readonly ConcurrentQueue<CallerRequest> _joined = new();

    [SetUp]
    public void SetUp()
    {
        _joined.Clear();
        _harness = new CallHarness("1000", "2000", "3000");
        _harness.Register("2000");
        _harness.Register("3000");
        _callerRtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _callerRtp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var current = _harness.Configuration.Current;
        _harness.Configuration.Set(current with
        {
            Queues = new QueuesOptions
            {
                Queues = [new QueueOptions { Name = "billing", Number = "5000", DefaultPriority = 5, DefaultSkills = [new QueueSkillOptions("lang.de", 30)] }],
            },
            Ivr = new IvrOptions { Routes = [new IvrRoute("800", "test")], Flows = [Flow] },
        });
        var router = new IvrCallRouter(
            _harness.Configuration,
            new IvrPromptLibrary(Path.Combine(RepoPaths.ShippedConfig, "sounds"), NullLogger<IvrPromptLibrary>.Instance),
            new NoDip(),
            request =>
            {
                _joined.Enqueue(request);
                return true;
            },
            _harness.Time,
            NullLoggerFactory.Instance);
        _harness.Manager.AttachIvr(router);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _harness.DisposeAsync();
        _callerRtp.Dispose();
    }

    private int CallerRtpPort => ((IPEndPoint)_callerRtp.LocalEndPoint!).Port;

    // welcome (a key cuts it) → menu: 1 billing with priority 40 and a skill, 2 extension 2000, 3 billing as it is,
    // 9 hang up.
    private static IvrFlow Flow => new()
    {
        Name = "test",
        Start = "welcome",
        Language = "en",
        Nodes =
        [
            new IvrPlayNode("welcome", ["welcome"], Interruptible: true, Next: "menu"),
            new IvrMenuNode("menu", ["menu"], [new IvrMenuChoice('1', "vip"), new IvrMenuChoice('2', "desk"), new IvrMenuChoice('3', "queue"), new IvrMenuChoice('9', "bye")],
                TimeSpan.FromSeconds(10), 0, [], [], "bye"),
            new IvrSetPriorityNode("vip", 40, null, "skills"),
            new IvrSetSkillsNode("skills", [new IvrSkillRequirement("billing", 60)], "queue"),
            new IvrQueueNode("queue", "billing"),
            new IvrExtensionNode("desk", "2000"),
            new IvrHangupNode("bye"),
        ],
    };

    [Test]
    public async Task AnIvrNumberIsAnsweredByTheServerAndTheCallerHearsTheWelcomePrompt()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        Assert.That(_harness.Invites.Sent, Is.Empty, "nobody is rung while the flow runs");

        var frames = ReceiveFrames(25);
        Assert.That(frames, Has.Count.EqualTo(25));
        Assert.That(frames.Select(f => f[1] & 0x7F), Is.All.EqualTo(0), "PCMU, the caller's first codec");
        Assert.That(frames.Select(f => (ushort)((f[2] << 8) | f[3])).Distinct().Count(), Is.EqualTo(25), "one sequence number per frame");

        // The prompt is speech, not the silence a relay with nothing to play would send: its decoded energy is real.
        var energy = frames.SelectMany(f => f.Skip(12)).Average(b => Math.Abs((double)G711.DecodeMuLaw(b)));
        Assert.That(energy, Is.GreaterThan(200), "mean |sample| of the welcome prompt's first half second");
    }

    [Test]
    public async Task AnRfc4733KeyDuringTheWelcomeTakesTheCallerIntoTheQueueWithTheFlowsPriorityAndSkills()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var relayA = new IPEndPoint(IPAddress.Loopback, AnsweredCall.MediaPort(invite.Final));
        ReceiveFrames(3);

        SendTelephoneEvent(relayA, 1);

        await CallHarness.UntilAsync(() => !_joined.IsEmpty, "the join to the ACD");
        var joined = _joined.Single();
        Assert.That(joined.Queue, Is.EqualTo("billing"));
        Assert.That(joined.Priority, Is.EqualTo(40));
        Assert.That(joined.RequiredSkills, Is.EqualTo(new[] { new SkillRequirement("billing", 60) }));
        Assert.That(joined.CallbackNumber, Is.EqualTo("1000"), "a callback rings the caller, as for one who dialled the queue");
        Assert.That(_harness.Manager.QueueCalls, Is.EqualTo(1), "the call is a queue call now, for the ACD's commands");
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "the caller stays on the line");
    }

    [Test]
    public async Task AFlowThatSetsNeitherPriorityNorSkillsQueuesTheCallerWithTheQueuesDefaults()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);

        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '3'));

        await CallHarness.UntilAsync(() => !_joined.IsEmpty, "the join to the ACD");
        var joined = _joined.Single();
        Assert.That((joined.Queue, joined.Priority), Is.EqualTo(("billing", 5)));
        Assert.That(joined.RequiredSkills, Is.EqualTo(new[] { new SkillRequirement("lang.de", 30) }));
        Assert.That(joined.CallbackNumber, Is.EqualTo("1000"));
    }

    [Test]
    public async Task AnInfoKeyTransfersToTheExtensionWhichIsConnectedOnAnswerAndHungUpWithTheCaller()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        ReceiveFrames(3);

        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'));

        await CallHarness.UntilAsync(() => !_harness.Invites.Sent.IsEmpty, "the INVITE to 2000");
        var ring = _harness.Invites[0];
        Assert.That(ring.Request.To!.Uri!.User, Is.EqualTo("2000"));
        Assert.That(ring.Request.From!.Uri!.User, Is.EqualTo("1000"), "the extension's phone shows the caller");
        Assert.That(AnsweredCall.MediaPort(ring.Request), Is.Not.EqualTo(AnsweredCall.MediaPort(invite.Final)), "the extension gets the relay's other side");
        Assert.That(_joined, Is.Empty);

        ring.Respond(180);
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CallId == ring.Request.CallId), "the ACK to 2000");

        var bye = await _harness.SendInDialogAsync(caller.Request("BYE"));
        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == ring.Request.CallId), "the BYE to 2000");
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the end of the call");
    }

    [Test]
    public async Task TheExtensionsForwardAlwaysAppliesToAnIvrTransfer()
    {
        _harness.Manager.Features.Change(_harness.User("2000"), current => current with { ForwardAlways = "3000" });
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);

        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'));

        await CallHarness.UntilAsync(() => !_harness.Invites.Sent.IsEmpty, "an INVITE");
        await CallHarness.SettleAsync();
        Assert.That(_harness.Invites.Sent.Select(s => s.Request.To!.Uri!.User), Is.EqualTo(new[] { "3000" }));
    }

    [Test]
    public async Task AnExtensionOnDoNotDisturbWithoutABusyForwardEndsTheIvrCallWithBye()
    {
        _harness.Manager.Features.Change(_harness.User("2000"), current => current with { DoNotDisturb = true });
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);

        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'));

        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), "the BYE to the caller");
        Assert.That(_harness.Invites.Sent, Is.Empty);
    }

    [Test]
    public async Task TheHangUpChoiceSendsTheCallerBye()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);

        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '9'));

        // The BYE lingers a moment after the flow's decision, so that the phone plays out what it buffered.
        await CallHarness.SettleAsync();
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "not before the linger");
        _harness.Time.Advance(TimeSpan.FromMilliseconds(300));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), "the BYE to the caller");
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the end of the call");
        Assert.That(_harness.Invites.Sent, Is.Empty);
        Assert.That(_joined, Is.Empty);
    }

    [Test]
    public async Task ACallerWhoHangsUpDuringAPromptEndsTheCallAndItsPlayback()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "800", CallerRtpPort);
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        ReceiveFrames(3);

        var bye = await _harness.SendInDialogAsync(caller.Request("BYE"));

        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the end of the call");
        await CallHarness.SettleAsync();
        _callerRtp.ReceiveTimeout = 200;
        var buffer = new byte[2048];
        while (_callerRtp.Available > 0)
        {
            _callerRtp.Receive(buffer);
        }

        Assert.That(() => _callerRtp.Receive(buffer), Throws.InstanceOf<SocketException>(), "the prompt stopped with the call");
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "the caller hung up itself");
    }

    [Test]
    public async Task ANumberWithoutARouteIsStillAnOrdinaryNumber()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "801", CallerRtpPort);

        await CallHarness.UntilAsync(() => invite.HasFinalResponse, "the answer");
        Assert.That(invite.Final.StatusCode, Is.EqualTo(404));
    }

    private List<byte[]> ReceiveFrames(int count)
    {
        _callerRtp.ReceiveTimeout = (int)CallHarness.Patience.TotalMilliseconds;
        var frames = new List<byte[]>();
        var buffer = new byte[2048];
        while (frames.Count < count)
        {
            var length = _callerRtp.Receive(buffer);
            frames.Add(buffer[..length]);
        }

        return frames;
    }

    /// <summary>An RFC 4733 event from the caller's RTP port: three updates and three end packets (§2.5.1.3, §2.5.1.4).</summary>
    private void SendTelephoneEvent(IPEndPoint relay, byte digitEvent)
    {
        const uint timestamp = 160_000;
        for (ushort i = 0; i < 6; i++)
        {
            var end = i >= 3;
            var packet = new byte[16];
            packet[0] = 0x80;
            packet[1] = (byte)((i == 0 ? 0x80 : 0) | 101);
            packet[2] = 0;
            packet[3] = (byte)(10 + i);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
            packet[8] = 0x12;
            packet[9] = 0x34;
            packet[10] = 0x56;
            packet[11] = 0x78;
            packet[12] = digitEvent;
            packet[13] = (byte)((end ? 0x80 : 0) | 10);
            var duration = (ushort)(160 * Math.Min(i + 1, 3));
            packet[14] = (byte)(duration >> 8);
            packet[15] = (byte)duration;
            _callerRtp.SendTo(packet, relay);
        }
    }

    private sealed class NoDip : IIvrDataDip
    {
        public Task<IvrDipResult> QueryAsync(IvrDipRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this flow has no data dip");
    }
}
