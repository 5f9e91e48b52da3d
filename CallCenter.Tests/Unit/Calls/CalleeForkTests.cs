using CallCenter.Core.Calls;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>Parallel ringing of an extension's phones (<see cref="CalleeFork"/>) inside a real call.</summary>
public sealed class CalleeForkTests
{
    private CallHarness _harness = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness(CallHarness.Options("1000", "1001"));
        _harness.Register("1001", 2);
    }

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task EveryPhoneRingsAtOnceTheFirstAnswerWinsAndTheOtherIsCancelled()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();
        Assert.That(first.Request.CallId, Is.Not.EqualTo(second.Request.CallId), "each branch is a call of its own");

        first.Provisional(180);
        second.Provisional(180);
        second.Answer();

        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller is answered");
        await CallHarness.UntilAsync(() => first.Cancelled, "the other phone is cancelled");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(200));
        Assert.That(caller.Responses.Count(r => r.StatusCode == 180), Is.EqualTo(1), "two phones ringing are one ringing for the caller");
        Assert.That(second.Cancelled, Is.False);
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CallId == second.Request.CallId), "the winner's 200 is acknowledged");
        Assert.That(_harness.Manager.ActiveCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task A2xxFromTheOtherPhoneAfterTheWinnerIsAcknowledgedAndHungUp()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();
        first.Provisional(180);
        second.Provisional(180);
        first.Answer();
        await CallHarness.UntilAsync(() => second.Cancelled, "the other phone is cancelled");

        // Its 200 crossed our CANCEL.
        second.Answer();

        await CallHarness.UntilAsync(() => _harness.Client.Byes(second.Target.EndPoint.Address.ToString()).Count == 1, "the late phone gets a BYE");
        Assert.That(_harness.Invites.Acks.Count(a => a.CallId == second.Request.CallId), Is.EqualTo(1), "and an ACK first");
        Assert.That(_harness.Client.Byes(first.Target.EndPoint.Address.ToString()), Is.Empty, "the winner talks on");
        Assert.That(caller.Responses.Count(r => r.StatusCode == 200), Is.EqualTo(1));
        Assert.That(_harness.Manager.ActiveCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task WhenEveryPhoneFailsTheCallerHearsBusyIfAnyWasBusyAndOnlyAfterTheLast()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();

        first.Fail(486);
        await Task.Delay(50);
        Assert.That(caller.HasFinalResponse, Is.False, "the other phone may still answer");
        second.Fail(480);

        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller gets a final answer");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(486));
        await _harness.IdleAsync();
    }

    [Test]
    public async Task ADeclineOnOnePhoneEndsTheCallAtOnceAndCancelsTheOthers()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();
        second.Provisional(180);

        first.Fail(603);

        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller gets a final answer");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(603));
        Assert.That(second.Cancelled, Is.True);
    }

    [Test]
    public async Task ACallerWhoHangsUpCancelsEveryPhoneAndA2xxThatCrossesTheCancelIsAckedAndEnded()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();
        first.Provisional(180);
        second.Provisional(180);

        _harness.Manager.OnCancel(caller);
        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller's INVITE ends");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(487));
        Assert.That(first.Cancelled && second.Cancelled, Is.True);
        first.Answer();
        second.Fail(487);

        await CallHarness.UntilAsync(() => _harness.Client.Byes(first.Target.EndPoint.Address.ToString()).Count == 1, "the phone that answered is hung up");
        Assert.That(_harness.Invites.Acks.Count(a => a.CallId == first.Request.CallId), Is.EqualTo(1));
        await _harness.IdleAsync();
        Assert.That(_harness.Manager.Dialogs.Count, Is.Zero, "no dialog is left in the table");
    }

    [Test]
    public async Task TheRingTimeoutCancelsEveryPhoneAndTheCallerHears480()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();
        first.Provisional(180);
        second.Provisional(180);

        _harness.Time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.That(caller.HasFinalResponse, Is.False);
        _harness.Time.Advance(TimeSpan.FromSeconds(1));

        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller gets a final answer");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(480));
        Assert.That(first.Cancelled && second.Cancelled, Is.True);
        first.Fail(487);
        second.Fail(487);
        await _harness.IdleAsync();
    }

    [Test]
    public async Task EarlyMediaComesFromTheFirstPhoneWithA183AndAnotherPhoneMayStillWin()
    {
        var caller = _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "both phones are invited");
        var (first, second) = Phones();

        second.Provisional(183, CallHarness.CalleeSdp);
        first.Provisional(183, CallHarness.CalleeSdp.Replace("7000", "7100", StringComparison.Ordinal));
        first.Provisional(180);
        await CallHarness.UntilAsync(() => caller.Responses.Count >= 1, "the caller hears something");
        await Task.Delay(50);
        Assert.That(caller.Responses.Select(r => r.StatusCode), Is.EqualTo(new[] { 183 }), "one 183, and no ringing over the media");
        Assert.That(caller.Responses[0].Body.IsEmpty, Is.False, "the 183 carries our SDP");

        first.Answer(CallHarness.CalleeSdp.Replace("7000", "7100", StringComparison.Ordinal));
        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller is answered");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(200));
        Assert.That(second.Cancelled, Is.True);
    }

    [Test]
    public async Task APhoneThatFailedItsQualifyIsNotRungWhileAnotherMayBeReached()
    {
        await using var harness = new CallHarness(CallHarness.Options("1000", "1002"));
        harness.Register("1002", 3);
        var unreachable = harness.Registrations.GetContacts("1002")[0];
        Assert.That(harness.Registrations.SetReachability(unreachable.Id, Reachability.Unreachable, out _), Is.True);

        harness.Dial("1000", "1002");

        await CallHarness.UntilAsync(() => harness.Invites.Sent.Count == 2, "the two others are invited");
        await Task.Delay(50);
        Assert.That(harness.Invites.Sent.Select(s => s.Target.EndPoint), Has.None.EqualTo(unreachable.Target.EndPoint));
    }

    [Test]
    public void TheFinalAnswerIsA6xxThenBusyThenTheLowestClassPreferringARealResponse()
    {
        static SipClientResult Of(int status) => SipClientResult.Of(SipResponse.Create(Request(), status));
        var timeout = SipClientResult.Failed(SipClientFailure.Timeout);

        Assert.That(CalleeFork.ChooseFinal([Of(486), Of(404), Of(603)]).StatusCode, Is.EqualTo(603));
        Assert.That(CalleeFork.ChooseFinal([Of(404), timeout, Of(486)]).StatusCode, Is.EqualTo(486));
        Assert.That(CalleeFork.ChooseFinal([Of(503), Of(404)]).StatusCode, Is.EqualTo(404));
        Assert.That(CalleeFork.ChooseFinal([timeout, Of(480)]).StatusCode, Is.EqualTo(480), "a phone's own 480 before our 408");
        Assert.That(CalleeFork.ChooseFinal([timeout]).StatusCode, Is.EqualTo(408));
    }

    private (SentInvite First, SentInvite Second) Phones() =>
        (_harness.Invites.To("192.0.2.11").Single(), _harness.Invites.To("192.0.2.12").Single());

    private static SipRequest Request()
    {
        var text = "INVITE sip:1001@test.local SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\n" +
            "To: <sip:1001@test.local>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        Assert.That(SipMessageParser.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out var message, out _), Is.True);
        return (SipRequest)message!;
    }
}
