using CallCenter.Core.Sip.Messages;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>Hold and resume relayed between the legs (RFC 3264 §8.4), glare on our re-INVITEs (RFC 3261 §14.1),
/// and UPDATE (RFC 3311) inside an answered call.</summary>
public sealed class CallHoldTests
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
    public async Task ACallerHoldIsAnsweredOnItsLegAndRelayedToTheCalleeAsSendonlyThenResumedAsSendrecv()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var hold = await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000, "sendonly")));

        Assert.That(hold.Final.StatusCode, Is.EqualTo(200));
        Assert.That(CallHarness.Direction(hold.Final), Is.EqualTo("recvonly"), "the holder's own leg is answered recvonly");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "our re-INVITE to the callee");
        var reInvite = _harness.Invites[1];
        Assert.That(reInvite.Request.CallId, Is.EqualTo(call.CalleeInvite.Request.CallId), "in the callee's dialog");
        Assert.That(reInvite.Request.To!.Tag, Is.EqualTo(call.CalleeInvite.ToTag));
        Assert.That(reInvite.Request.CSeq!.Value.Number, Is.EqualTo(2u));
        Assert.That(reInvite.Direction, Is.EqualTo("sendonly"), "the callee is held: its phone answers recvonly");
        Assert.That(AnsweredCall.MediaPort(reInvite.Request), Is.EqualTo(AnsweredCall.MediaPort(call.CalleeInvite.Request)), "same relay port");

        reInvite.ToTag = call.CalleeInvite.ToTag;
        reInvite.Respond(200, CallHarness.Sdp(30100, "recvonly", "0 101"));
        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Any(a => a.CSeq!.Value.Number == 2), "the ACK for the callee's 200");

        var resume = await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000)));
        Assert.That(CallHarness.Direction(resume.Final), Is.EqualTo("sendrecv"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 3, "the resume re-INVITE");
        Assert.That(_harness.Invites[2].Direction, Is.EqualTo("sendrecv"));
        Assert.That(_harness.Invites[2].Request.CSeq!.Value.Number, Is.EqualTo(3u));
    }

    [Test]
    public async Task ACalleeHoldWithInactiveIsRelayedToTheCallerAsInactive()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var hold = await SendAsync(call.Callee.Request("INVITE", CallHarness.Sdp(30100, "inactive")));

        Assert.That(CallHarness.Direction(hold.Final), Is.EqualTo("inactive"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "our re-INVITE to the caller");
        var reInvite = _harness.Invites[1];
        Assert.That(reInvite.Request.CallId, Is.EqualTo(call.Caller.CallId), "in the caller's dialog");
        Assert.That(reInvite.Request.From!.Tag, Is.EqualTo(call.Caller.RemoteTag), "our tag of leg A");
        Assert.That(reInvite.Request.To!.Tag, Is.EqualTo(call.Caller.LocalTag));
        Assert.That(reInvite.Direction, Is.EqualTo("inactive"));
        Assert.That(AnsweredCall.MediaPort(reInvite.Request), Is.EqualTo(call.CallerRelayPort));
    }

    [Test]
    public async Task ARepeatedHoldOfferSendsNoSecondReInvite()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000, "sendonly")));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold re-INVITE");
        _harness.Invites[1].ToTag = call.CalleeInvite.ToTag;
        _harness.Invites[1].Respond(200, CallHarness.Sdp(30100, "recvonly", "0 101"));

        // A session refresh that still holds changes nothing the other party must know.
        var refresh = await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000, "sendonly")));
        await CallHarness.SettleAsync();

        Assert.That(refresh.Final.StatusCode, Is.EqualTo(200));
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Glare491OnOurReInviteIsRetriedAfterTheSection14WaitOfTheCallIdOwner()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000, "sendonly")));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold re-INVITE");
        _harness.Invites[1].ToTag = call.CalleeInvite.ToTag;

        _harness.Invites[1].Respond(491);
        await CallHarness.SettleAsync();
        // We generated the callee leg's Call-ID: §14.1 says wait 2.1 to 4 s.
        _harness.Time.Advance(TimeSpan.FromSeconds(2.09));
        await CallHarness.SettleAsync();
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(2), "not before 2.1 s");
        _harness.Time.Advance(TimeSpan.FromSeconds(1.92));

        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 3, "the retried re-INVITE");
        var retry = _harness.Invites[2];
        Assert.That(retry.Direction, Is.EqualTo("sendonly"));
        Assert.That(retry.Request.CSeq!.Value.Number, Is.EqualTo(3u), "a new transaction with the next CSeq");
    }

    [Test]
    public async Task AGlareWaitOnTheCallersLegIsAtMostTwoSeconds()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Callee.Request("INVITE", CallHarness.Sdp(30100, "sendonly")));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold re-INVITE to the caller");
        _harness.Invites[1].ToTag = call.Caller.LocalTag;

        _harness.Invites[1].Respond(491);
        await CallHarness.SettleAsync();
        // The caller generated leg A's Call-ID: our wait is 0 to 2 s.
        _harness.Time.Advance(TimeSpan.FromSeconds(2.01));

        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 3, "the retried re-INVITE");
        Assert.That(_harness.Invites[2].Direction, Is.EqualTo("sendonly"));
    }

    [Test]
    public async Task APartysReInviteWhileOursIsPendingOnItsLegIsRefused491()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000, "sendonly")));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold re-INVITE");

        var crossing = await SendAsync(call.Callee.Request("INVITE", CallHarness.Sdp(30100, "inactive")));

        Assert.That(crossing.Final.StatusCode, Is.EqualTo(491));
    }

    [Test]
    public async Task AnUpdateWithAnOfferIsAnsweredInIts200AndAHoldInItIsRelayed()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var update = await SendAsync(call.Caller.Request("UPDATE", CallHarness.Sdp(30002, "sendonly")));

        Assert.That(update.Final.StatusCode, Is.EqualTo(200));
        Assert.That(update.Final.ContentType, Is.EqualTo("application/sdp"));
        Assert.That(CallHarness.Direction(update.Final), Is.EqualTo("recvonly"));
        Assert.That(AnsweredCall.MediaPort(update.Final), Is.EqualTo(call.CallerRelayPort));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold relayed to the callee");
        Assert.That(_harness.Invites[1].Direction, Is.EqualTo("sendonly"));
    }

    [Test]
    public async Task AnUpdateWithoutABodyIs200WithoutABody()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var update = await SendAsync(call.Callee.Request("UPDATE"));

        Assert.That(update.Final.StatusCode, Is.EqualTo(200));
        Assert.That(update.Final.Body.IsEmpty, Is.True);
        Assert.That(update.Final.Contacts, Has.Count.EqualTo(1), "a target refresh answer carries our Contact");
        await CallHarness.SettleAsync();
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(1), "nothing to relay");
    }

    [Test]
    public async Task AnUpdateWithAnOfferWhileOurReInviteWaitsIsRefused491()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("INVITE", CallHarness.Sdp(30000, "sendonly")));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold re-INVITE");

        var update = await SendAsync(call.Callee.Request("UPDATE", CallHarness.Sdp(30100)));

        Assert.That(update.Final.StatusCode, Is.EqualTo(491), "RFC 3311 §5.2");
    }

    private async Task<RecordingServerTransaction> SendAsync(RecordingServerTransaction request)
    {
        Assert.That(_harness.Manager.TryHandleInDialog(request), Is.True, "the request must match a call's dialog");
        await CallHarness.UntilAsync(() => request.HasFinalResponse, "the answer to " + request.Request.Method);
        return request;
    }
}
