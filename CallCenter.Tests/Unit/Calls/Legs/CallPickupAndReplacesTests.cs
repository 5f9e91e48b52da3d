using CallCenter.Core.Calls;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>An INVITE with Replaces for one of our dialogs (RFC 3891 §3), and call pickup by feature code
/// (callcenter.xml's &lt;features pickup directedPickup&gt;, defaults *8 and **): in both, a party of another call is handed over and re-INVITEd.</summary>
public sealed class CallPickupAndReplacesTests
{
    private CallHarness _harness = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness();
        _harness.Register("2000");
        _harness.Register("3000");
    }

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task AnInviteWithReplacesTakesThePlaceOfTheNamedPartyWhoGetsBye()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        // The dialog of leg A as the server sees it: to-tag is ours, from-tag the caller's (§3).
        var replaces = $"Replaces: {call.Caller.CallId};to-tag={call.Caller.RemoteTag};from-tag={call.Caller.LocalTag}\r\n";

        var invite = AnsweredCall.Invite(_harness, "3000", "2000", 30400, replaces);
        var newcomer = await AnsweredCall.AcknowledgeAsync(_harness, invite);

        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "the BYE to the replaced party");
        Assert.That(_harness.Client.Of("BYE").Single().CallId, Is.EqualTo(call.Caller.CallId));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the re-INVITE of the party that stays");
        var move = _harness.Invites[1];
        Assert.That(move.Request.CallId, Is.EqualTo(call.Callee.CallId));
        Assert.That(move.Direction, Is.EqualTo("sendrecv"));
        Assert.That(AnsweredCall.MediaPort(move.Request), Is.Not.EqualTo(AnsweredCall.MediaPort(call.CalleeInvite.Request)), "onto the new call's relay");
        move.ToTag = call.CalleeInvite.ToTag;
        move.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 1, "the replaced call's end");

        await Send(call.Callee.Request("BYE"));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Count() == 2, "the BYE to the newcomer");
        Assert.That(_harness.Client.Of("BYE").Last().CallId, Is.EqualTo(newcomer.CallId));
    }

    [TestCase("nobody@there;to-tag=a;from-tag=b", 481)]
    [TestCase("broken;to-tag=a", 400)]
    public async Task AnInviteWithAReplacesWeCannotHonourIsRefused(string value, int status)
    {
        var invite = AnsweredCall.Invite(_harness, "3000", "2000", extraHeaders: $"Replaces: {value}\r\n");

        await CallHarness.UntilAsync(() => invite.HasFinalResponse, "the refusal");

        Assert.That(invite.Final.StatusCode, Is.EqualTo(status));
        Assert.That(_harness.Invites.Sent, Is.Empty, "nobody was called");
    }

    [Test]
    public async Task AnEarlyOnlyReplacesForAnAnsweredDialogIs486()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var invite = AnsweredCall.Invite(_harness, "3000", "2000", extraHeaders: $"Replaces: {call.Caller.CallId};to-tag={call.Caller.RemoteTag};from-tag={call.Caller.LocalTag};early-only\r\n");

        await CallHarness.UntilAsync(() => invite.HasFinalResponse, "the refusal");
        Assert.That(invite.Final.StatusCode, Is.EqualTo(486), "RFC 3891 §3");
        Assert.That(_harness.Client.Of("BYE"), Is.Empty);
    }

    [Test]
    public async Task DirectedPickupAnswersTheRingingCallersInviteCancelsTheCalleeAndJoinsThePicker()
    {
        var ringing = AnsweredCall.Invite(_harness, "1000", "2000");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 1, "the INVITE to 2000");
        _harness.Invites[0].Respond(180);

        var picker = AnsweredCall.Invite(_harness, "3000", "**2000", 30500);

        await CallHarness.UntilAsync(() => _harness.Invites[0].Cancelled, "the ringing phone's INVITE cancelled");
        var caller = await AnsweredCall.AcknowledgeAsync(_harness, ringing);
        var pickerDialog = await AnsweredCall.AcknowledgeAsync(_harness, picker);
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the caller re-INVITEd onto the picker's call");
        var move = _harness.Invites[1];
        Assert.That(move.Request.CallId, Is.EqualTo(caller.CallId), "in the caller's own dialog");
        Assert.That(move.Direction, Is.EqualTo("sendrecv"));
        move.ToTag = caller.LocalTag;
        move.Respond(200, CallHarness.Sdp(30000));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 1, "the picked-up call's end");

        // The caller and the picker talk: the caller's BYE ends the call with BYE to the picker.
        await Send(caller.Request("BYE"));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "the BYE to the picker");
        Assert.That(_harness.Client.Of("BYE").Single().CallId, Is.EqualTo(pickerDialog.CallId));
    }

    [Test]
    public async Task GroupPickupTakesTheCallThatHasRungLongest()
    {
        _harness.Register("4000");
        var first = AnsweredCall.Invite(_harness, "1000", "2000");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 1, "the first INVITE");
        _harness.Time.Advance(TimeSpan.FromMilliseconds(500));
        var second = AnsweredCall.Invite(_harness, "1000", "4000", 30010);
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the second INVITE");

        var picker = AnsweredCall.Invite(_harness, "3000", "*8", 30500);

        await CallHarness.UntilAsync(() => first.HasFinalResponse, "the first call's caller answered");
        Assert.That(first.Final.StatusCode, Is.EqualTo(200));
        Assert.That(_harness.Invites[0].Cancelled, Is.True);
        Assert.That(_harness.Invites[1].Cancelled, Is.False, "the younger call keeps ringing");
        Assert.That(second.HasFinalResponse, Is.False);
        await AnsweredCall.AcknowledgeAsync(_harness, first);
        await AnsweredCall.AcknowledgeAsync(_harness, picker);
    }

    [TestCase("*8")]
    [TestCase("**2000")]
    public async Task PickupWithNothingRingingIs404(string code)
    {
        var picker = AnsweredCall.Invite(_harness, "3000", code);

        await CallHarness.UntilAsync(() => picker.HasFinalResponse, "the refusal");

        Assert.That(picker.Final.StatusCode, Is.EqualTo(404));
    }

    private async Task Send(RecordingServerTransaction request)
    {
        Assert.That(_harness.Manager.TryHandleInDialog(request), Is.True);
        await CallHarness.UntilAsync(() => request.HasFinalResponse, "the answer to " + request.Request.Method);
    }
}
