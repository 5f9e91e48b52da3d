using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>
/// A callee's 2xx that reaches the call after it ended (RFC 6026 keeps the INVITE client transaction 32 s to pass
/// such 2xx on): a retransmission of the answer the call took gets the same ACK again and no second BYE; an answer
/// with another To-tag gets an ACK and a BYE. The ended call keeps no dialog for it, only the answer's tag.
/// </summary>
public sealed class LateAnswerTests
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
    public async Task ARetransmittedAnswerAfterTheCallEndedIsAcknowledgedAsAtFirstAndNotHungUpAgain()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await EndByCallerAsync(call);
        var firstAck = _harness.Invites.Acks.Single();

        call.CalleeInvite.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));

        await CallHarness.UntilAsync(() => _harness.Invites.Acks.Count == 2, "the retransmitted 2xx is acknowledged again");
        var again = _harness.Invites.Acks.Last();
        Assert.That(again.RequestUri.ToString(), Is.EqualTo(firstAck.RequestUri.ToString()), "to the 2xx's Contact, as the first");
        Assert.That((again.CallId, again.CSeq!.Value.Number, again.From!.Tag, again.To!.Tag),
            Is.EqualTo((firstAck.CallId, firstAck.CSeq!.Value.Number, firstAck.From!.Tag, firstAck.To!.Tag)));
        await CallHarness.SettleAsync();
        Assert.That(_harness.Client.Of("BYE").Count(b => b.CallId == firstAck.CallId), Is.EqualTo(1), "the call's own BYE only");
    }

    [Test]
    public async Task AnAnswerWithAnotherTagAfterTheCallEndedIsAcknowledgedAndHungUp()
    {
        var call = await AnsweredCall.PlaceAsync(_harness, "1000", "2000");
        await EndByCallerAsync(call);
        var callId = call.CalleeInvite.Request.CallId;

        call.CalleeInvite.ToTag = "another-fork";
        call.CalleeInvite.Respond(200, CallHarness.Sdp(30100, formats: "0 101"));

        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Count(b => b.CallId == callId) == 2, "the stray answer is hung up");
        var stray = _harness.Client.Of("BYE").Last(b => b.CallId == callId);
        Assert.That(stray.To!.Tag, Is.EqualTo("another-fork"));
        Assert.That(_harness.Invites.Acks.Last().To!.Tag, Is.EqualTo("another-fork"));
    }

    private async Task EndByCallerAsync(AnsweredCall call)
    {
        var bye = call.Caller.Request("BYE");
        Assert.That(_harness.Manager.TryHandleInDialog(bye), Is.True);
        await CallHarness.UntilAsync(() => bye.HasFinalResponse && _harness.Manager.ActiveCalls == 0, "the call ends");
        await CallHarness.UntilAsync(() => _harness.Client.Of("BYE").Any(), "our BYE to the callee");
    }
}
