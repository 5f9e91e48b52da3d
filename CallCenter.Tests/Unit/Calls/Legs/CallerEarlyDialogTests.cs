using CallCenter.Core.Sip.Messages;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>The caller's early dialog (§12.1.1), made by our 180 with its To-tag: requests the caller sends in it
/// before the answer reach the call (they were answered 481 when the dialog only existed from the 200 on).</summary>
public sealed class CallerEarlyDialogTests
{
    private CallHarness _harness = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness();
        _harness.Register("2000");
    }

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task AnUpdateWithoutAnOfferIs200AndTheTargetItRefreshesIsTheOneTheAnsweredCallUses()
    {
        var (invite, callee, early) = await RingingAsync();

        var update = await SendAsync(early.Request("UPDATE"));

        Assert.That(update.Final.StatusCode, Is.EqualTo(200));
        Assert.That(update.Final.Body.IsEmpty, Is.True);
        Assert.That(update.Final.Contacts, Has.Count.EqualTo(1), "RFC 3311 §5.2: a target refresh answer carries our Contact");
        Assert.That(update.Final.To!.Tag, Is.EqualTo(early.RemoteTag));

        callee.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        Assert.That(invite.Final.To!.Tag, Is.EqualTo(early.RemoteTag), "the 200 confirms the early dialog (same tags)");
        var hangup = await SendAsync(callee.Dialog().Request("BYE"));
        Assert.That(hangup.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "our BYE to the caller");
        var bye = _harness.Client.Of("BYE").Single();
        Assert.That(bye.RequestUri.User, Is.EqualTo("phone"), "sent to the Contact of the UPDATE, not of the INVITE (1000@)");
        Assert.That(bye.CallId, Is.EqualTo(early.CallId));
    }

    [Test]
    public async Task AnUpdateWithAnOfferIs500WithRetryAfterAndTheSameUpdateAfterTheAnswerIsAnswered()
    {
        var (invite, callee, early) = await RingingAsync();

        var update = await SendAsync(early.Request("UPDATE", CallHarness.Sdp(30002)));

        Assert.That(update.Final.StatusCode, Is.EqualTo(500), "RFC 3311 §5.2: the INVITE's offer is not answered yet (no reliable 1xx)");
        Assert.That(int.Parse(update.Final.GetHeaderValue("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0, 10));
        Assert.That(update.Final.Body.IsEmpty, Is.True);

        callee.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));
        await AnsweredCall.AcknowledgeAsync(_harness, invite);
        Assert.That(invite.Final.StatusCode, Is.EqualTo(200), "the refused offer changed nothing of the call");
        var relayPort = AnsweredCall.MediaPort(invite.Final);

        var retry = await SendAsync(early.Request("UPDATE", CallHarness.Sdp(30002)));
        Assert.That(retry.Final.StatusCode, Is.EqualTo(200));
        Assert.That(AnsweredCall.MediaPort(retry.Final), Is.EqualTo(relayPort));
    }

    [Test]
    public async Task AByeEndsTheCallBeforeTheAnswerThe200ForItThen487AndTheCalleeIsCancelled()
    {
        var (invite, callee, early) = await RingingAsync();

        var bye = await SendAsync(early.Request("BYE"));

        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => invite.HasFinalResponse, "the INVITE's final response");
        Assert.That(invite.Final.StatusCode, Is.EqualTo(487), "§15.1.2");
        await CallHarness.UntilAsync(() => callee.Cancelled, "the callee's INVITE is cancelled");
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");
    }

    [Test]
    public async Task TheEarlyDialogEndsWithTheUnansweredCall()
    {
        var (invite, callee, early) = await RingingAsync();

        callee.Respond(486);
        await CallHarness.UntilAsync(() => invite.HasFinalResponse, "the caller's final response");
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call is over");

        Assert.That(_harness.Manager.TryHandleInDialog(early.Request("UPDATE")), Is.False, "no call owns the dialog any more");
    }

    /// <summary>1000 calls 2000, whose phone rings: the caller has our 180 and, from its To-tag, an early dialog.</summary>
    private async Task<(RecordingServerTransaction Invite, SentInvite Callee, PhoneDialog Early)> RingingAsync()
    {
        var invite = AnsweredCall.Invite(_harness, "1000", "2000");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 1, "the INVITE to the callee");
        var callee = _harness.Invites[0];
        callee.Respond(180);
        await CallHarness.UntilAsync(() => invite.Responses.Any(r => r.StatusCode == 180), "the 180 to the caller");
        var ringing = invite.Responses.First(r => r.StatusCode == 180);
        var request = invite.Request;
        var early = new PhoneDialog(request.CallId!, request.From!.Tag!, ringing.To!.Tag!, request.From.Uri!.ToString(), request.To!.Uri!.ToString(), 1);
        return (invite, callee, early);
    }

    private async Task<RecordingServerTransaction> SendAsync(RecordingServerTransaction request)
    {
        Assert.That(_harness.Manager.TryHandleInDialog(request), Is.True, "the request must match a call's dialog");
        await CallHarness.UntilAsync(() => request.HasFinalResponse, "the answer to " + request.Request.Method);
        return request;
    }
}
