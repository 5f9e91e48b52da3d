using System.Collections.Concurrent;
using System.Text;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>
/// Calls to a queue's number through the call layer and the real ACD (router, dispatcher, adapter), on fake time:
/// the server answers the caller, the ACD's choice of agent is rung with the relay's B side, the answer is connected
/// without touching the caller's leg, and every way a queue call ends reaches both the phones and the ACD's records.
/// Extension 1000 calls; agents a1 and a2 sit at 2001 and 2002 (phones 192.0.2.10 and .11); 2000 is an overflow target
/// (phone 192.0.2.12).
/// </summary>
public sealed class QueueCallTests
{
    private const string Phone2001 = "192.0.2.10";
    private const string Phone2002 = "192.0.2.11";
    private const string Phone2000 = "192.0.2.12";
    private CallHarness _harness = null!;
    private ConcurrentRecords _records = null!;
    private AcdDispatcher? _acd;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness("1000", "2000", "2001", "2002");
        _harness.Register("2001");
        _harness.Register("2002");
        _harness.Register("2000");
        _records = new ConcurrentRecords();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_acd is not null)
        {
            await _acd.DisposeAsync();
        }

        await _harness.DisposeAsync();
    }

    private static QueueOptions Sales => new()
    {
        Name = "sales",
        Number = "5000",
        Strategy = QueueStrategy.LongestIdle,
        RingTimeout = TimeSpan.FromSeconds(15),
        RetryDelay = TimeSpan.Zero,
    };

    /// <summary>Configures <paramref name="queue"/> with agents a1 (2001) and a2 (2002), starts the ACD on it and logs
    /// in the agents given, in that order, a second of fake time apart (the first is then the longest idle).</summary>
    private Task StartAsync(QueueOptions queue, params string[] logins) =>
        StartAsync([queue], [Agent("a1", "2001"), Agent("a2", "2002")], logins);

    private async Task StartAsync(QueueOptions[] queues, AgentOptions[] agents, params string[] logins)
    {
        var current = _harness.Configuration.Current;
        var options = current with
        {
            Queues = new QueuesOptions { Queues = [.. queues], NoAnswer = new NoAnswerPolicy { MaxMissedOffers = 0 } },
            Extensions = current.Extensions with { Agents = [.. agents] },
        };
        _harness.Configuration.Set(options);
        var control = new AcdCallControl(_harness.Manager, NullLogger<AcdCallControl>.Instance);
        _acd = new AcdDispatcher(options.Queues, options.Extensions, _harness.Time, control, _records, NullLoggerFactory.Instance);
        control.Attach(_acd);
        foreach (var agent in logins)
        {
            Assert.That(await _acd!.LoginAsync(agent, agent == "a1" ? "2001" : "2002"), Is.EqualTo(AgentCommandResult.Done));
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static AgentOptions Agent(string id, string extension, string queue = "sales") => new()
    {
        Id = id,
        Name = "Agent " + id,
        Pin = "1234",
        DefaultExtension = extension,
        Queues = [new QueueMembershipOptions(queue, 0)],
    };

    [Test]
    public async Task AQueueNumberIsAnsweredByTheServerAndTheLongestIdleAgentIsConnectedWithoutTouchingTheCallersLeg()
    {
        await StartAsync(Sales, "a2", "a1");

        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var ring = await InviteToAsync(Phone2002);

        Assert.That(ring.Request.To!.Uri!.User, Is.EqualTo("2002"), "a2 has been idle longest although a1 is listed first");
        Assert.That(ring.Request.From!.Uri!.User, Is.EqualTo("1000"), "the agent's phone shows the caller");
        Assert.That(AnsweredCall.MediaPort(ring.Request), Is.Not.EqualTo(AnsweredCall.MediaPort(invite.Final)), "the agent gets the relay's other side");
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(1), "longest idle rings one agent");

        ring.Respond(180);
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CallId == ring.Request.CallId), "the ACK to the agent");
        await UntilRecordedAsync(AcdQueueEventType.Connect);
        var snapshot = await _acd!.GetSnapshotAsync();
        Assert.That(snapshot.Agents.Single(a => a.Id == "a2").State, Is.EqualTo(AgentState.OnCall));
        Assert.That(_records.Of(AcdQueueEventType.Connect).AgentId, Is.EqualTo("a2"));
        Assert.That(_harness.Client.Of("INVITE"), Is.Empty);
        Assert.That(_harness.Invites.Sent.Count(s => s.Request.CallId == caller.CallId), Is.Zero, "media is anchored: no re-INVITE to the caller");

        // The agent hangs up: the caller gets BYE, the ACD records the agent's completion and wraps the agent up.
        var bye = await _harness.SendInDialogAsync(ring.Dialog().Request("BYE"));
        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), "the BYE to the caller");
        await UntilRecordedAsync(AcdQueueEventType.CompleteAgent);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0 && _harness.Manager.QueueCalls == 0, "the call is over");
        snapshot = await _acd!.GetSnapshotAsync();
        Assert.That(snapshot.Agents.Single(a => a.Id == "a2").State, Is.EqualTo(AgentState.Available), "no wrap-up configured");
    }

    [Test]
    public async Task ACallerWhoHangsUpWhileAnAgentRingsStopsThatRingingAtOnceAndIsRecordedAsAnAbandon()
    {
        await StartAsync(Sales, "a1");
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var ring = await InviteToAsync(Phone2001);
        _harness.Time.Advance(TimeSpan.FromSeconds(4));

        await _harness.SendInDialogAsync(caller.Request("BYE"));

        await CallHarness.UntilAsync(() => ring.Cancelled, "the CANCEL to the agent's phone");
        var abandon = await UntilRecordedAsync(AcdQueueEventType.Abandon);
        Assert.That(abandon.Wait, Is.EqualTo(TimeSpan.FromSeconds(4)), "recorded with its wait");
        Assert.That(abandon.Position, Is.EqualTo(1));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");
        var snapshot = await _acd!.GetSnapshotAsync();
        Assert.That(snapshot.Agents.Single(a => a.Id == "a1").State, Is.EqualTo(AgentState.Available));

        // A 2xx that crossed the CANCEL is acknowledged and hung up, never connected to anyone.
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == ring.Request.CallId), "the BYE to the late answer");
        Assert.That(_records.Events.Any(e => e.Type == AcdQueueEventType.Connect), Is.False);
    }

    [Test]
    public async Task TheCallerHangingUpAfterTheConnectHangsUpTheAgentAndCompletesTheCall()
    {
        var (caller, ring) = await ConnectedToA1Async();
        _harness.Time.Advance(TimeSpan.FromSeconds(30));

        await _harness.SendInDialogAsync(caller.Request("BYE"));

        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == ring.Request.CallId), "the BYE to the agent");
        var complete = await UntilRecordedAsync(AcdQueueEventType.CompleteCaller);
        Assert.That(complete.Talk, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(complete.AgentId, Is.EqualTo("a1"));
    }

    [Test]
    public async Task HoldDuringTheConnectedCallIsReportedApartFromTalk()
    {
        var (caller, ring) = await ConnectedToA1Async();
        var agent = ring.Dialog();
        _harness.Time.Advance(TimeSpan.FromSeconds(5));

        // The agent holds the caller for 10 s (its own re-INVITE, answered on its leg; ours to the caller is left
        // unanswered, which changes nothing here), then resumes and talks 15 s more.
        Assert.That((await _harness.SendInDialogAsync(agent.Request("INVITE", CallHarness.Sdp(30100, "sendonly", "0 101")))).Final.StatusCode, Is.EqualTo(200));
        _harness.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.That((await _harness.SendInDialogAsync(agent.Request("INVITE", CallHarness.Sdp(30100, "sendrecv", "0 101")))).Final.StatusCode, Is.EqualTo(200));
        _harness.Time.Advance(TimeSpan.FromSeconds(15));
        await _harness.SendInDialogAsync(caller.Request("BYE"));

        var complete = await UntilRecordedAsync(AcdQueueEventType.CompleteCaller);
        Assert.That((complete.Talk, complete.Hold), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(20), (TimeSpan?)TimeSpan.FromSeconds(10))));
    }

    [TestCase(486, "busy")]
    [TestCase(603, "rejected")]
    public async Task AnAgentWhosePhoneRefusesIsRecordedWithWhyAndTheNextAgentRings(int status, string recorded)
    {
        await StartAsync(Sales with { Strategy = QueueStrategy.RoundRobin }, "a1", "a2");
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var first = await InviteToAsync(Phone2001);

        first.Respond(status);

        var second = await InviteToAsync(Phone2002);
        var missed = await UntilRecordedAsync(AcdQueueEventType.RingNoAnswer);
        Assert.That((missed.AgentId, missed.Data), Is.EqualTo(("a1", recorded)));
        Assert.That(second.Cancelled, Is.False);
    }

    [Test]
    public async Task AnAgentWhosePhoneRingsOutIsCancelledAndTheNextAgentRings()
    {
        await StartAsync(Sales with { Strategy = QueueStrategy.RoundRobin }, "a1", "a2");
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var first = await InviteToAsync(Phone2001);
        _harness.Time.Advance(TimeSpan.FromSeconds(14));
        await CallHarness.SettleAsync();
        Assert.That(first.Cancelled, Is.False, "not before the queue's 15 s");

        _harness.Time.Advance(TimeSpan.FromSeconds(1));

        await CallHarness.UntilAsync(() => first.Cancelled, "the CANCEL after the ring timeout");
        await InviteToAsync(Phone2002);
        var missed = await UntilRecordedAsync(AcdQueueEventType.RingNoAnswer);
        Assert.That((missed.AgentId, missed.Data, missed.Ring), Is.EqualTo(("a1", "noanswer", (TimeSpan?)TimeSpan.FromSeconds(15))));
    }

    [Test]
    public async Task AnAgentWithoutARegisteredPhoneCountsAsUnreachable()
    {
        await StartAsync(Sales with { RetryDelay = TimeSpan.FromSeconds(5) });
        Assert.That(await _acd!.LoginAsync("a1", "1000"), Is.EqualTo(AgentCommandResult.Done), "at an extension with no phone registered");

        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, invite);

        var missed = await UntilRecordedAsync(AcdQueueEventType.RingNoAnswer);
        Assert.That((missed.AgentId, missed.Data), Is.EqualTo(("a1", "unreachable")));
        Assert.That(_harness.Invites.Sent, Is.Empty);
    }

    [Test]
    public async Task RingAllStopsTheOtherPhoneWhenOneAnswers()
    {
        await StartAsync(Sales with { Strategy = QueueStrategy.RingAll }, "a1", "a2");
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var one = await InviteToAsync(Phone2001);
        var two = await InviteToAsync(Phone2002);

        two.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));

        await CallHarness.UntilAsync(() => one.Cancelled, "the CANCEL to the other agent's phone");
        Assert.That((await UntilRecordedAsync(AcdQueueEventType.Connect)).AgentId, Is.EqualTo("a2"));
        Assert.That(two.Cancelled, Is.False);
    }

    [Test]
    public async Task ACallerRefusedByAnEmptyQueueIsHungUpOnceItHasAcknowledged()
    {
        await StartAsync(Sales with { JoinWhenEmpty = QueueEmptyRule.NoAgentsLoggedIn });

        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);

        await ByeToAsync(caller.CallId);
        await UntilRecordedAsync(AcdQueueEventType.JoinEmpty);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");
        Assert.That(_harness.Invites.Sent, Is.Empty);
    }

    [Test]
    public async Task TheExitDigitSentAsInfoTakesTheCallerOutOfTheQueue()
    {
        await StartAsync(Sales with { ExitDigit = '0' });
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await UntilRecordedAsync(AcdQueueEventType.EnterQueue);

        var info = CallHarness.DtmfInfo(invite, caller, '0');
        Assert.That((await _harness.SendInDialogAsync(info)).Final.StatusCode, Is.EqualTo(200));

        await ByeToAsync(caller.CallId);
        Assert.That((await UntilRecordedAsync(AcdQueueEventType.ExitWithKey)).Data, Is.EqualTo("0"));
    }

    [Test]
    public async Task AFullQueueOverflowsToAnExtensionWhichIsRungAndConnected()
    {
        await StartAsync(Sales with { MaxLength = 1, OnMaxLength = new OverflowTarget(OverflowAction.Extension, "2000", null) });
        var first = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, first);
        await UntilRecordedAsync(AcdQueueEventType.EnterQueue);

        var second = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, second);

        var ring = await InviteToAsync(Phone2000);
        Assert.That(ring.Request.To!.Uri!.User, Is.EqualTo("2000"));
        await UntilRecordedAsync(AcdQueueEventType.Overflow);
        ring.Respond(200, CallHarness.Sdp(30200, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CallId == ring.Request.CallId), "the ACK to 2000");

        await _harness.SendInDialogAsync(ring.Dialog().Request("BYE"));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), "the BYE to the overflowed caller");
        Assert.That(_harness.Manager.QueueCalls, Is.EqualTo(1), "the first caller still waits");
    }

    [Test]
    public async Task AFullQueueOverflowsIntoAnotherQueueWhoseAgentTakesTheCall()
    {
        var support = Sales with { Name = "support", Number = "5001" };
        await StartAsync(
            [Sales with { MaxLength = 1, OnMaxLength = new OverflowTarget(OverflowAction.Queue, "support", null) }, support],
            [Agent("a1", "2001"), Agent("a2", "2002", "support")],
            "a2");
        var first = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, first);
        await UntilRecordedAsync(AcdQueueEventType.EnterQueue);

        var second = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, second);

        var ring = await InviteToAsync(Phone2002);
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        var connect = await UntilRecordedAsync(AcdQueueEventType.Connect);
        Assert.That((connect.Queue, connect.AgentId), Is.EqualTo(("support", "a2")));
        var overflow = _records.Of(AcdQueueEventType.Overflow);
        Assert.That((overflow.Queue, overflow.CallerId, overflow.Data), Is.EqualTo(("sales", connect.CallerId, "queue:support")));
        Assert.That(_records.Events.Count(e => e.Type == AcdQueueEventType.EnterQueue), Is.EqualTo(2), "the first caller in sales, the second in support");
        Assert.That(_harness.Invites.Sent.Count(s => s.Target.EndPoint.Address.ToString() == Phone2001), Is.Zero, "nobody serves sales");
    }

    [Test]
    public async Task AMaxWaitOverflowThatHangsUpEndsTheCall()
    {
        await StartAsync(Sales with { MaxWait = TimeSpan.FromSeconds(60), OnMaxWait = new OverflowTarget(OverflowAction.Hangup, null, "bye") });
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await UntilRecordedAsync(AcdQueueEventType.EnterQueue);

        _harness.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.That((await UntilRecordedAsync(AcdQueueEventType.ExitWithTimeout)).Wait, Is.EqualTo(TimeSpan.FromSeconds(60)));
        await ByeToAsync(caller.CallId);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");
    }

    [TestCase(0, OfferFailure.Unreachable)]
    [TestCase(503, OfferFailure.Unreachable)]
    [TestCase(486, OfferFailure.Busy)]
    [TestCase(600, OfferFailure.Busy)]
    [TestCase(408, OfferFailure.NoAnswer)]
    [TestCase(480, OfferFailure.NoAnswer)]
    [TestCase(603, OfferFailure.Rejected)]
    [TestCase(404, OfferFailure.Rejected)]
    public void AnAgentPhonesFinalStatusMapsToTheAcdsFailure(int status, OfferFailure expected) =>
        Assert.That(AcdCallControl.FailureOf(status), Is.EqualTo(expected));

    [Test]
    public async Task ACallerWhoPressesTheCallbackDigitIsLetGoKeepsItsPlaceAndIsCalledBackBeforeTheAgentIsRung()
    {
        _harness.Register("1000");
        const string Phone1000 = "192.0.2.13";
        await StartAsync(Sales with { CallbackDigit = '2' });
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await UntilRecordedAsync(AcdQueueEventType.EnterQueue);

        Assert.That((await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'))).Final.StatusCode, Is.EqualTo(200));

        await ByeToAsync(caller.CallId);
        Assert.That((await UntilRecordedAsync(AcdQueueEventType.CallbackRequest)).Data, Is.EqualTo("1000"), "the caller's own extension");
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the caller's call is over");
        var snapshot = await _acd!.GetSnapshotAsync();
        Assert.That(snapshot.Queues.Single().Callers.Single().Phase, Is.EqualTo("callback-pending"), "its place is kept");
        Assert.That(_records.Events.Any(e => e.Type == AcdQueueEventType.Abandon), Is.False, "leaving for a callback is no abandon");

        // An agent becomes free: the caller's turn has come, and the server calls it back first.
        Assert.That(await _acd.LoginAsync("a1", "2001"), Is.EqualTo(AgentCommandResult.Done));
        var callback = await InviteToAsync(Phone1000);
        Assert.That(callback.Request.From!.Uri!.User, Is.EqualTo("5000"), "the phone shows the queue calling back");
        Assert.That(callback.Request.From!.DisplayName?.Trim('"'), Is.EqualTo("sales"));
        Assert.That(callback.Request.To!.Uri!.User, Is.EqualTo("1000"));
        Assert.That(AnsweredCall.MediaPort(callback.Request), Is.GreaterThan(0), "our offer on the relay");
        await CallHarness.SettleAsync();
        Assert.That(_harness.Invites.Sent.Any(s => s.Target.EndPoint.Address.ToString() == Phone2001), Is.False, "the agent rings only once the caller answered");

        callback.Respond(200, CallHarness.Sdp(30200, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CallId == callback.Request.CallId), "the ACK to the called-back phone");
        var ring = await InviteToAsync(Phone2001);
        Assert.That(ring.Request.From!.Uri!.User, Is.EqualTo("1000"), "the agent's phone shows the caller");
        Assert.That(AnsweredCall.MediaPort(ring.Request), Is.Not.EqualTo(AnsweredCall.MediaPort(callback.Request)), "the agent gets the relay's other side");

        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        var connect = await UntilRecordedAsync(AcdQueueEventType.Connect);
        Assert.That(connect.AgentId, Is.EqualTo("a1"));
        Assert.That(connect.CallerId, Is.EqualTo(_records.Of(AcdQueueEventType.EnterQueue).CallerId), "the callback takes the caller's place under its id");

        // The called-back caller hangs up: the agent gets BYE and the ACD completes the call.
        await _harness.SendInDialogAsync(callback.Dialog().Request("BYE"));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == ring.Request.CallId), "the BYE to the agent");
        await UntilRecordedAsync(AcdQueueEventType.CompleteCaller);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0 && _harness.Manager.QueueCalls == 0, "the callback is over");
    }

    [Test]
    public async Task ACallbackNobodyAnswersIsCancelledAndTheCallerIsGivenUpWhileTheHeldAgentIsFreeAgain()
    {
        _harness.Register("1000");
        const string Phone1000 = "192.0.2.13";
        await StartAsync(Sales with { CallbackDigit = '2' });
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await UntilRecordedAsync(AcdQueueEventType.EnterQueue);
        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'));
        await ByeToAsync(caller.CallId);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the caller's call is over");

        Assert.That(await _acd!.LoginAsync("a1", "2001"), Is.EqualTo(AgentCommandResult.Done));
        var callback = await InviteToAsync(Phone1000);
        _harness.Time.Advance(_harness.Configuration.Current.Calls.RingTimeout);

        await CallHarness.UntilAsync(() => callback.Cancelled, "the CANCEL of the callback");
        await UntilRecordedAsync(AcdQueueEventType.CallbackFailed);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0 && _harness.Manager.QueueCalls == 0, "the callback is over");
        var snapshot = await _acd.GetSnapshotAsync();
        Assert.That(snapshot.Queues.Single().Callers, Is.Empty, "the caller is given up");
        Assert.That(snapshot.Agents.Single(a => a.Id == "a1").State, Is.EqualTo(AgentState.Available), "the agent held for it is free");
        Assert.That(_harness.Invites.Sent.Any(s => s.Target.EndPoint.Address.ToString() == Phone2001), Is.False, "no agent rang for a callback nobody answered");
    }

    [Test]
    public async Task ACallbackRefusedByThePhoneIsReportedAsFailed()
    {
        _harness.Register("1000");
        await StartAsync(Sales with { CallbackDigit = '2' }, "a1");
        var offered = AnsweredCall.Invite(_harness, "2002", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, offered);
        await InviteToAsync(Phone2001);

        // a1 rings for the first caller; the second waits, asks for a callback, and is called back when a1 is free.
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await CallHarness.UntilAsync(() => _records.Events.Count(e => e.Type == AcdQueueEventType.EnterQueue) == 2, "the second caller queued");
        await _harness.SendInDialogAsync(CallHarness.DtmfInfo(invite, caller, '2'));
        await ByeToAsync(caller.CallId);
        await UntilRecordedAsync(AcdQueueEventType.CallbackRequest);
        var first = _harness.Invites.Sent.First(s => s.Target.EndPoint.Address.ToString() == Phone2001);
        first.Respond(486);

        var callback = await InviteToAsync("192.0.2.13");
        callback.Respond(603);

        await UntilRecordedAsync(AcdQueueEventType.CallbackFailed);
        await CallHarness.UntilAsync(() => _harness.Manager.QueueCalls == 1, "only the first caller is left");
    }

    [Test]
    public async Task ACallerWhoDialsTheQueuesNumberJoinsWithTheQueuesPriorityAndSkills()
    {
        var a1 = Agent("a1", "2001");
        var a2 = Agent("a2", "2002") with { Skills = [new AgentSkillOptions("billing", 80)] };
        var queue = Sales with { DefaultPriority = 7, DefaultSkills = [new QueueSkillOptions("billing", 50)] };
        await StartAsync([queue], [a1, a2], "a1", "a2");

        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var ring = await InviteToAsync(Phone2002);

        Assert.That(ring.Request.To!.Uri!.User, Is.EqualTo("2002"), "a1 has been idle longer but has not the queue's skill");
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(1));
        var snapshot = await _acd!.GetSnapshotAsync();
        Assert.That(snapshot.Queues.Single().Callers.Single().Priority, Is.EqualTo(7));
    }

    /// <summary>1000 calls sales, agent a1's phone 2001 answers, and the ACD has recorded the connect.</summary>
    private async Task<(PhoneDialog Caller, SentInvite Ring)> ConnectedToA1Async()
    {
        await StartAsync(Sales, "a1");
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        var ring = await InviteToAsync(Phone2001);
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await UntilRecordedAsync(AcdQueueEventType.Connect);
        return (caller, ring);
    }

    private async Task<SentInvite> InviteToAsync(string address)
    {
        SentInvite? found = null;
        await CallHarness.UntilAsync(
            () => (found = _harness.Invites.Sent.FirstOrDefault(s => s.Target.EndPoint.Address.ToString() == address)) is not null,
            "an INVITE to " + address);
        return found!;
    }

    /// <summary>Waits for the server's BYE to the caller; a BYE before the caller's ACK waits for it on a T1 timer of
    /// the fake clock, so the clock is moved on meanwhile.</summary>
    private Task ByeToAsync(string callId) =>
        CallHarness.UntilAsync(
            () =>
            {
                _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
                return _harness.Client.Of("BYE").Any(b => b.CallId == callId);
            },
            "the BYE to the caller");

    private async Task<AcdQueueRecord> UntilRecordedAsync(AcdQueueEventType type)
    {
        await CallHarness.UntilAsync(() => _records.Events.Any(e => e.Type == type), "an ACD record " + type);
        return _records.Of(type);
    }

    /// <summary>The ACD's records, written on its loop and read by the test.</summary>
    private sealed class ConcurrentRecords : IAcdRecordSink
    {
        private readonly ConcurrentQueue<AcdQueueRecord> _events = new();

        public IReadOnlyList<AcdQueueRecord> Events => [.. _events];

        public AcdQueueRecord Of(AcdQueueEventType type) => Events.First(e => e.Type == type);

        public void Queue(AcdQueueRecord record) => _events.Enqueue(record);

        public void AgentState(AcdAgentStateRecord record)
        {
        }
    }
}
