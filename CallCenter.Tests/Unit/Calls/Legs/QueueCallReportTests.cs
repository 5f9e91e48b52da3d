using System.Collections.Concurrent;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>
/// A queue call's mechanics with the ACD replaced by a recorder: the commands are given by the test, in orders the
/// real ACD only produces when messages cross (an agent hanging up between its answer and the connect, a caller
/// leaving in that moment), and the reports the call sends back are checked one by one.
/// Extension 1000 calls queue 5000; the agent's extension 2001 has a phone at 192.0.2.10; 2002 has none.
/// </summary>
public sealed class QueueCallReportTests
{
    private static readonly TimeSpan Ring = TimeSpan.FromSeconds(15);
    private CallHarness _harness = null!;
    private RecordingQueueEvents _acd = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness("1000", "2001", "2002");
        _harness.Register("2001");
        var current = _harness.Configuration.Current;
        _harness.Configuration.Set(current with { Queues = new QueuesOptions { Queues = [new QueueOptions { Name = "sales", Number = "5000" }] } });
        _acd = new RecordingQueueEvents();
        _harness.Manager.AttachAcd(_acd);
    }

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task AnAgentWhoHangsUpBeforeTheConnectEndsTheCallAsTheAgentsHangUp()
    {
        var (caller, id) = await QueueCallAsync();
        var ring = await OfferAsync(id, 7);
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await UntilReportedAsync("answered 7");

        var bye = ring.Dialog().Request("BYE");
        Assert.That(_harness.Manager.TryHandleInDialog(bye), Is.True, "the answered agent's dialog belongs to the call");
        await CallHarness.UntilAsync(() => bye.HasFinalResponse, "the 200 for the agent's BYE");
        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        Assert.That(_acd.Reports, Does.Not.Contain("agent-hung-up " + id), "the ACD hears of it with its connect, not before");

        Assert.That(_harness.Manager.PostToQueueCall(id, c => c.ConnectAgent(7)), Is.True);

        await UntilReportedAsync("agent-hung-up " + id);
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == caller.CallId), "the BYE to the caller");
        Assert.That(_harness.Client.Of("BYE").Count(b => b.CallId == ring.Request.CallId), Is.Zero, "the agent hung up itself");
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");
    }

    [Test]
    public async Task ACallerWhoLeavesBetweenTheAgentsAnswerAndTheConnectHangsUpTheAgent()
    {
        var (caller, id) = await QueueCallAsync();
        var ring = await OfferAsync(id, 7);
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await UntilReportedAsync("answered 7");

        var bye = caller.Request("BYE");
        Assert.That(_harness.Manager.TryHandleInDialog(bye), Is.True);

        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == ring.Request.CallId), "the BYE to the agent");
        await UntilReportedAsync("caller-hung-up " + id);
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");

        // The ACD's connect comes after: there is no call left to connect, and the adapter leaves it at that.
        Assert.That(_harness.Manager.PostToQueueCall(id, c => c.ConnectAgent(7)), Is.False, "the call has left the queue calls");
        Assert.That(_harness.Manager.HasQueueCall(id), Is.False);
    }

    [Test]
    public async Task CancellingAnOfferTwiceSendsOneCancelAndReportsNothing()
    {
        var (_, id) = await QueueCallAsync();
        var ring = await OfferAsync(id, 7);

        _harness.Manager.PostToQueueCall(id, c => c.CancelAgentOffer(7));
        _harness.Manager.PostToQueueCall(id, c => c.CancelAgentOffer(7));
        _harness.Manager.PostToQueueCall(id, c => c.CancelAgentOffer(8));

        await CallHarness.UntilAsync(() => ring.Cancelled, "the CANCEL");
        await CallHarness.SettleAsync();
        Assert.That(_acd.Reports.Where(r => r.StartsWith("failed", StringComparison.Ordinal)), Is.Empty, "a cancel of the ACD's own is not a failure to report");

        // The cancelled offer gave its call-limit slot back: both of 2001's two slots can ring again.
        await OfferAsync(id, 8);
        await OfferAsync(id, 9);
        await CallHarness.SettleAsync();
        Assert.That(_acd.Reports.Where(r => r.StartsWith("failed", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task AnAnswerThatCrossesTheCancelIsAcknowledgedAndHungUpAndNeverReported()
    {
        var (_, id) = await QueueCallAsync();
        var ring = await OfferAsync(id, 7);

        // The cancel is posted first; the phone's 2xx reaches the call either before the offer's owners are detached
        // (then the call itself ends it) or after (then the transaction's owner does): the phone sees the same.
        _harness.Manager.PostToQueueCall(id, c => c.CancelAgentOffer(7));
        ring.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));

        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CallId == ring.Request.CallId), "the ACK for the crossing 2xx");
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(b => b.CallId == ring.Request.CallId), "the BYE for it");
        await CallHarness.SettleAsync();
        Assert.That(_acd.Reports, Does.Not.Contain("answered 7"));
        Assert.That(_harness.Manager.QueueCalls, Is.EqualTo(1), "the caller still waits");
    }

    [Test]
    public async Task AnOfferToAnExtensionWithoutAPhoneOrAtItsCallLimitFailsAtOnce()
    {
        var (_, id) = await QueueCallAsync();

        _harness.Manager.PostToQueueCall(id, c => c.OfferToAgent(7, "2002", Ring));
        await UntilReportedAsync("failed 7 0");

        // 2001 may take two calls at once (the default call limit): a third offer finds it busy.
        await OfferAsync(id, 8);
        await OfferAsync(id, 9);
        _harness.Manager.PostToQueueCall(id, c => c.OfferToAgent(10, "2001", Ring));
        await UntilReportedAsync("failed 10 486");
    }

    [Test]
    public async Task AnOfferRingsOutOnTheCallsOwnTimerTooEvenIfTheAcdsCancelWereLost()
    {
        var (_, id) = await QueueCallAsync();
        var ring = await OfferAsync(id, 7);

        _harness.Time.Advance(Ring);

        await UntilReportedAsync("failed 7 408");
        Assert.That(ring.Cancelled, Is.True);
    }

    private async Task<(PhoneDialog Caller, string Id)> QueueCallAsync()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "5000");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, invite);
        await CallHarness.UntilAsync(() => _acd.Reports.Any(r => r.StartsWith("join ", StringComparison.Ordinal)), "the join");
        var join = _acd.Reports.Last(r => r.StartsWith("join ", StringComparison.Ordinal)).Split(' ');
        Assert.That(join[2], Is.EqualTo("sales"));
        return (caller, join[1]);
    }

    private async Task<SentInvite> OfferAsync(string id, long offerId)
    {
        var before = _harness.Invites.Sent.Count;
        Assert.That(_harness.Manager.PostToQueueCall(id, c => c.OfferToAgent(offerId, "2001", Ring)), Is.True);
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count > before, "the INVITE of offer " + offerId);
        return _harness.Invites[before];
    }

    private Task UntilReportedAsync(string report) =>
        CallHarness.UntilAsync(() => _acd.Reports.Contains(report), "the report '" + report + "' (have: " + string.Join(", ", _acd.Reports) + ")");

    private sealed class RecordingQueueEvents : IQueueCallEvents
    {
        private readonly ConcurrentQueue<string> _reports = new();

        public IReadOnlyList<string> Reports => [.. _reports];

        public bool Join(string callerId, string queue, string callbackNumber) => Add($"join {callerId} {queue}");

        public bool CallbackAnswered(string callerId) => Add("callback-answered " + callerId);

        public bool CallbackFailed(string callerId) => Add("callback-failed " + callerId);

        public bool CallerHungUp(string callerId, TimeSpan hold) => Add("caller-hung-up " + callerId);

        public bool AgentHungUp(string callerId, TimeSpan hold) => Add("agent-hung-up " + callerId);

        public bool CallerPressed(string callerId, char digit) => Add($"pressed {callerId} {digit}");

        public bool OfferAnswered(long offerId) => Add("answered " + offerId);

        public bool OfferFailed(long offerId, int status) => Add($"failed {offerId} {status}");

        private bool Add(string report)
        {
            _reports.Enqueue(report);
            return true;
        }
    }
}
