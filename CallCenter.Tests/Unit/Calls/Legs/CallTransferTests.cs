using System.Text;
using CallCenter.Core.Sip.Messages;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>Blind transfer by REFER (RFC 3515, RFC 5589 §6) and attended transfer by REFER with Replaces
/// (RFC 3891, RFC 5589 §7), done by the server as a B2BUA: NOTIFY sequence, the new leg, the old one's BYE.</summary>
public sealed class CallTransferTests
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
    public async Task ABlindTransferByTheCalleeNotifiesTryingThenOkPutsTheTargetInItsPlaceAndByesIt()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        var calleeRelayPort = AnsweredCall.MediaPort(call.CalleeInvite.Request);

        var refer = await SendAsync(call.Callee.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\nReferred-By: <sip:2000@test.local>\r\n"));

        Assert.That(refer.Final.StatusCode, Is.EqualTo(202));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the INVITE to the target");
        var target = _harness.Invites[1];
        Assert.That(target.Request.To!.Uri!.User, Is.EqualTo("3000"));
        Assert.That(target.Request.From!.Uri!.User, Is.EqualTo("1000"), "the target sees the transferee calling");
        Assert.That(AnsweredCall.MediaPort(target.Request), Is.EqualTo(calleeRelayPort), "the target takes the transferor's relay side");
        var trying = Notifies(call.Callee).Single();
        Assert.That(trying.GetHeaderValue("Event"), Is.EqualTo("refer;id=" + refer.Request.CSeq!.Value.Number));
        Assert.That(trying.GetHeaderValue("Subscription-State"), Does.StartWith("active"));
        Assert.That(trying.ContentType, Is.EqualTo("message/sipfrag;version=2.0"));
        Assert.That(Body(trying), Is.EqualTo("SIP/2.0 100 Trying\r\n"));
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "the transferor stays until the target answers");

        target.Respond(180);
        target.Respond(200, CallHarness.Sdp(30200, formats: "8 101"));
        await CallHarness.UntilAsync(() => Notifies(call.Callee).Count() == 2, "the final NOTIFY");
        await CallHarness.SettleAsync();
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "the transferor may hang up itself first");
        _harness.Time.Advance(TimeSpan.FromSeconds(2));

        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "the BYE to the transferor");
        var notifies = Notifies(call.Callee).ToArray();
        Assert.That(notifies, Has.Length.EqualTo(2));
        Assert.That(Body(notifies[1]), Is.EqualTo("SIP/2.0 200 OK\r\n"));
        Assert.That(notifies[1].GetHeaderValue("Subscription-State"), Does.StartWith("terminated"));
        Assert.That(notifies[1].CSeq!.Value.Number, Is.GreaterThan(notifies[0].CSeq!.Value.Number));
        var bye = _harness.Client.Of("BYE").Single();
        Assert.That(bye.CallId, Is.EqualTo(call.Callee.CallId), "BYE on the transferor's dialog");
        Assert.That(bye.CSeq!.Value.Number, Is.GreaterThan(notifies[1].CSeq!.Value.Number), "after the final NOTIFY");
        Assert.That(_harness.Invites.Acks.Any(a => a.CallId == target.Request.CallId), Is.True, "the target's 200 is ACKed");
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(2), "the transferee is not re-INVITEd: the relay transcodes");

        // The call goes on between the transferee and the target: the target's BYE ends it with BYE to the caller.
        var targetBye = await SendAsync(target.Dialog().Request("BYE"));
        Assert.That(targetBye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Count() == 2, "the BYE to the transferee");
        Assert.That(_harness.Client.Of("BYE").Last().CallId, Is.EqualTo(call.Caller.CallId));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "the call's end");
    }

    [Test]
    public async Task ATransferorThatHangsUpOnTheFinalNotifyIsNotSentBye()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Callee.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the INVITE to the target");
        _harness.Invites[1].Respond(200, CallHarness.Sdp(30200, formats: "0 101"));
        await CallHarness.UntilAsync(() => Notifies(call.Callee).Count() == 2, "the final NOTIFY");

        // baresip's way: BYE as soon as the NOTIFY says 200.
        var bye = await SendAsync(call.Callee.Request("BYE"));
        _harness.Time.Advance(TimeSpan.FromSeconds(5));
        await CallHarness.SettleAsync();

        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "neither the transferor nor the transferee gets a BYE");
        Assert.That(_harness.Manager.ActiveCalls, Is.EqualTo(1), "the transferee and the target talk on");
    }

    [Test]
    public async Task ABlindTransferToAnUnknownExtensionNotifies404AndTheCallGoesOn()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var refer = await SendAsync(call.Caller.Request("REFER", extraHeaders: "Refer-To: sip:9999@test.local\r\n"));

        Assert.That(refer.Final.StatusCode, Is.EqualTo(202));
        await CallHarness.UntilAsync(() => Notifies(call.Caller).Count() == 2, "the final NOTIFY");
        var notifies = Notifies(call.Caller).ToArray();
        Assert.That(Body(notifies[0]), Is.EqualTo("SIP/2.0 100 Trying\r\n"));
        Assert.That(Body(notifies[1]), Is.EqualTo("SIP/2.0 404 Not Found\r\n"));
        Assert.That(notifies[1].GetHeaderValue("Subscription-State"), Does.StartWith("terminated"));
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(1), "nobody was called");
        Assert.That(_harness.Client.Of("BYE"), Is.Empty);

        var bye = await SendAsync(call.Caller.Request("BYE"));
        Assert.That(bye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "the BYE to the callee, still in the call");
        Assert.That(_harness.Client.Of("BYE").Single().CallId, Is.EqualTo(call.Callee.CallId));
    }

    [Test]
    public async Task ABusyTargetIsReportedAs486InTheFinalNotifyAndTheCallGoesOn()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        await SendAsync(call.Caller.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the INVITE to the target");
        _harness.Invites[1].Respond(486, reason: "Busy Here");

        await CallHarness.UntilAsync(() => Notifies(call.Caller).Count() == 2, "the final NOTIFY");
        Assert.That(Body(Notifies(call.Caller).Last()), Is.EqualTo("SIP/2.0 486 Busy Here\r\n"));
        Assert.That(_harness.Client.Of("BYE"), Is.Empty);
        Assert.That(_harness.Manager.ActiveCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task ATransferorThatHangsUpBeforeTheTargetAnswersLeavesTheTransfereeToBeConnected()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the INVITE to the target");

        var transferorBye = await SendAsync(call.Caller.Request("BYE"));
        await CallHarness.SettleAsync();

        Assert.That(transferorBye.Final.StatusCode, Is.EqualTo(200));
        Assert.That(_harness.Client.Of("BYE"), Is.Empty, "the transferee stays, waiting for the target");
        Assert.That(_harness.Invites[1].Cancelled, Is.False);
        var target = _harness.Invites[1];
        target.Respond(200, CallHarness.Sdp(30200, formats: "0 101"));
        await CallHarness.SettleAsync();
        Assert.That(Notifies(call.Caller).Count(), Is.EqualTo(1), "no final NOTIFY to a transferor that left");

        await SendAsync(call.Callee.Request("BYE"));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "the BYE to the target");
        Assert.That(_harness.Client.Of("BYE").Single().CallId, Is.EqualTo(target.Request.CallId));
    }

    [Test]
    public async Task TheTransfereeHangingUpWhileTheTargetRingsCancelsItAndByesTheTransferor()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the INVITE to the target");

        await SendAsync(call.Callee.Request("BYE"));

        await CallHarness.UntilAsync(() => _harness.Invites[1].Cancelled, "the target's INVITE cancelled");
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "the BYE to the transferor");
        Assert.That(_harness.Client.Of("BYE").Single().CallId, Is.EqualTo(call.Caller.CallId));
    }

    [Test]
    public async Task ATransfereeTheTransferorHadHeldIsResumedWhenTheTargetAnswers()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        // The callee holds (as many phones do before a transfer); the caller is told with our sendonly offer.
        await SendAsync(call.Callee.Request("INVITE", CallHarness.Sdp(30100, "sendonly")));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the hold relayed to the caller");
        _harness.Invites[1].ToTag = call.Caller.LocalTag;
        _harness.Invites[1].Respond(200, CallHarness.Sdp(30000, "recvonly"));

        await SendAsync(call.Callee.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 3, "the INVITE to the target");
        _harness.Invites[2].Respond(200, CallHarness.Sdp(30200, formats: "0 101"));

        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 4, "the resume of the transferee");
        var resume = _harness.Invites[3];
        Assert.That(resume.Request.CallId, Is.EqualTo(call.Caller.CallId));
        Assert.That(resume.Direction, Is.EqualTo("sendrecv"));
    }

    [Test]
    public async Task ASecondReferWhileATransferIsInProgressIs491()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await SendAsync(call.Caller.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 2, "the INVITE to the target");

        var second = await SendAsync(call.Callee.Request("REFER", extraHeaders: "Refer-To: <sip:3000@test.local>\r\n"));

        Assert.That(second.Final.StatusCode, Is.EqualTo(491));
        Assert.That(_harness.Invites.Sent, Has.Count.EqualTo(2));
    }

    [TestCase("")]
    [TestCase("Refer-To: <sip:3000@test.local>\r\nRefer-To: <sip:2000@test.local>\r\n")]
    [TestCase("Refer-To: <mailto:3000@test.local>\r\n")]
    public async Task AReferWithoutExactlyOneSipReferToIs400(string headers)
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");

        var refer = await SendAsync(call.Caller.Request("REFER", extraHeaders: headers));

        Assert.That(refer.Final.StatusCode, Is.EqualTo(400));
        Assert.That(Notifies(call.Caller), Is.Empty);
    }

    [Test]
    public async Task AnAttendedTransferJoinsTheTransfereeWithTheTargetAndByesBothOfTheTransferorsLegs()
    {
        // The transferor 1000 calls 2000 (call 1), then 3000 (call 2), and refers 2000 to its dialog of call 2.
        var first = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        var second = await AnsweredCall.PlaceAsync(_harness, "1000", "3000", callerRtp: 30010, calleeRtp: 30300);
        var replaces = Uri.EscapeDataString($"{second.Caller.CallId};to-tag={second.Caller.RemoteTag};from-tag={second.Caller.LocalTag}");

        var refer = await SendAsync(first.Caller.Request("REFER", extraHeaders: $"Refer-To: <sip:3000@test.local?Replaces={replaces}>\r\n"));

        Assert.That(refer.Final.StatusCode, Is.EqualTo(202));
        await CallHarness.UntilAsync(() => Notifies(first.Caller).Count() == 2, "the final NOTIFY");
        await CallHarness.SettleAsync();
        _harness.Time.Advance(TimeSpan.FromSeconds(2));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Count() == 2, "the BYEs of both of the transferor's legs");
        var byes = _harness.Client.Of("BYE").Select(b => b.CallId).ToArray();
        Assert.That(byes, Is.EquivalentTo(new[] { first.Caller.CallId, second.Caller.CallId }));
        var notifies = Notifies(first.Caller).ToArray();
        Assert.That(notifies.Select(Body), Is.EqualTo(new[] { "SIP/2.0 100 Trying\r\n", "SIP/2.0 200 OK\r\n" }));
        Assert.That(Notifies(second.Caller), Is.Empty);

        // The target's media moves to call 1's relay, on the side the transferor had there.
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 3, "the re-INVITE of the target");
        var move = _harness.Invites[2];
        Assert.That(move.Request.CallId, Is.EqualTo(second.CalleeInvite.Request.CallId), "in the target's own dialog");
        Assert.That(AnsweredCall.MediaPort(move.Request), Is.EqualTo(first.CallerRelayPort));
        Assert.That(move.Direction, Is.EqualTo("sendrecv"));
        move.ToTag = second.CalleeInvite.ToTag;
        move.Respond(200, CallHarness.Sdp(30300, formats: "0 101"));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 1, "call 2's end");

        // Call 1 now joins 2000 and 3000: 3000's BYE (in its dialog of call 2) ends it with BYE to 2000.
        var targetBye = await SendAsync(second.Callee.Request("BYE"));
        Assert.That(targetBye.Final.StatusCode, Is.EqualTo(200));
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Count() == 3, "the BYE to the transferee");
        Assert.That(_harness.Client.Of("BYE").Last().CallId, Is.EqualTo(first.Callee.CallId));
        await CallHarness.UntilAsync(() => _harness.Manager.ActiveCalls == 0, "call 1's end");
    }

    [Test]
    public async Task AnAttendedTransferNamingNoDialogOfOursNotifies481AndTheCallGoesOn()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        var replaces = Uri.EscapeDataString("nobody@there;to-tag=x;from-tag=y");

        var refer = await SendAsync(call.Caller.Request("REFER", extraHeaders: $"Refer-To: <sip:3000@test.local?Replaces={replaces}>\r\n"));

        Assert.That(refer.Final.StatusCode, Is.EqualTo(202));
        await CallHarness.UntilAsync(() => Notifies(call.Caller).Count() == 2, "the final NOTIFY");
        Assert.That(Body(Notifies(call.Caller).Last()), Is.EqualTo("SIP/2.0 481 Call/Transaction Does Not Exist\r\n"));
        Assert.That(_harness.Client.Of("BYE"), Is.Empty);
        Assert.That(_harness.Manager.ActiveCalls, Is.EqualTo(1));
    }

    private IEnumerable<SipRequest> Notifies(PhoneDialog dialog) => _harness.Client.Of("NOTIFY").Where(n => n.CallId == dialog.CallId);

    private static string Body(SipRequest request) => Encoding.UTF8.GetString(request.Body.Span);

    private async Task<RecordingServerTransaction> SendAsync(RecordingServerTransaction request)
    {
        Assert.That(_harness.Manager.TryHandleInDialog(request), Is.True, "the request must match a call's dialog");
        await CallHarness.UntilAsync(() => request.HasFinalResponse, "the answer to " + request.Request.Method);
        return request;
    }
}
