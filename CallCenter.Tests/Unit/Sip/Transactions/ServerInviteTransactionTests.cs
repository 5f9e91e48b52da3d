using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>RFC 3261 §17.2.1 with RFC 6026's Accepted state, driven by a fake clock.</summary>
public sealed class ServerInviteTransactionTests
{
    private TransactionHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new TransactionHarness();

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public void ADiscardedInviteSendsNothingAfterItsTryingAndIgnoresRetransmissionsAndAcks()
    {
        _h.Receive(Request("INVITE"));
        _h.User.Last.Discard();
        _h.Receive(Request("INVITE"));
        _h.Receive(Request("ACK", cseqMethod: "INVITE"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100" }), "the 100 went before the TU decided");
        _h.Advance(Seconds(32));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero);
    }

    [Test]
    public void AnInviteIsAnswered100TryingAtOnceThenHandedToTheTu()
    {
        _h.Receive(Request("INVITE"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100" }));
        var trying = _h.Sender.Last.Response;
        Assert.That(trying.To!.Tag, Is.Null, "§8.2.6.2: a 100 need not carry a To tag");
        Assert.That(trying.TopVia!.Branch, Is.EqualTo("z9hG4bKbranch1"));
        Assert.That(trying.TopVia.Received, Is.EqualTo("192.0.2.10"), "RFC 3581: the request asked with ;rport");
        Assert.That(_h.Sender.Last.Flow, Is.EqualTo(_h.UdpFlow));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
        Assert.That(_h.User.Last.IsInvite, Is.True);
        Assert.That(_h.Statistics.ServerInviteAlive, Is.EqualTo(1));
    }

    [Test]
    public void ARetransmittedInviteInProceedingGetsTheLastProvisionalAndTheTuIsNotAskedAgain()
    {
        _h.Receive(Request("INVITE"));
        _h.Receive(Request("INVITE"));
        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100", "100" }));

        var invite = _h.User.Last;
        invite.Respond(invite.CreateResponse(180, toTag: "uas1"));
        _h.Receive(Request("INVITE"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100", "100", "180", "180" }));
        Assert.That(_h.Sender.Sent[3].Bytes, Is.EqualTo(_h.Sender.Sent[2].Bytes));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
        Assert.That(_h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(2));
        Assert.That(_h.Statistics.RetransmissionsSent, Is.EqualTo(2));
    }

    [Test]
    public void OverUdpTimerGRetransmitsTheFailureDoublingFromT1UpToT2UntilTimerHEndsItAndTellsTheTu()
    {
        _h.Receive(Request("INVITE"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(486));

        _h.Advance(Seconds(40));

        var finals = _h.Sender.Of("486");
        Assert.That(finals.Select(m => m.At.TotalSeconds),
            Is.EqualTo(new[] { 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 }));
        Assert.That(finals.Select(m => m.Bytes).Distinct(new BytesComparer()).Count(), Is.EqualTo(1), "the same bytes every time");
        Assert.That(_h.User.Failures, Has.Count.EqualTo(1));
        Assert.That(_h.User.Failures[0].Failure, Is.EqualTo(SipTransactionFailure.Timeout));
        Assert.That(_h.User.Failures[0].Transaction, Is.SameAs(_h.User.Requests[0]));
        Assert.That(_h.Statistics.Timeouts, Is.EqualTo(1));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero);
    }

    [Test]
    public async Task TimerGStopsAtT2ExactlyWhenDoublingWouldOvershootIt()
    {
        await using var h = new TransactionHarness(timers: new() { T1 = TransactionHarness.T1, T2 = Seconds(3), T4 = TransactionHarness.T4 });
        h.Receive(Request("INVITE"));
        h.User.Last.Respond(h.User.Last.CreateResponse(603));

        h.Advance(Seconds(12));

        // Intervals 0.5, 1, 2, then min(4, 3) = 3 and 3 again.
        Assert.That(h.Sender.Of("603").Select(m => m.At.TotalSeconds), Is.EqualTo(new[] { 0, 0.5, 1.5, 3.5, 6.5, 9.5 }));
    }

    [Test]
    public void TheAckMovesCompletedToConfirmedWhereRetransmissionsAreAbsorbedUntilTimerIEndsIt()
    {
        _h.Receive(Request("INVITE"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(486, toTag: "uas1"));
        _h.Advance(Seconds(0.6));
        Assert.That(_h.Sender.Of("486"), Has.Count.EqualTo(2));

        _h.Receive(Request("ACK", toTag: "uas1"));
        _h.Receive(Request("ACK", toTag: "uas1"));
        _h.Receive(Request("INVITE"));
        _h.Advance(Seconds(4.9));

        Assert.That(_h.Sender.Of("486"), Has.Count.EqualTo(2), "Timer G stopped and the INVITE in Confirmed is absorbed");
        Assert.That(_h.User.Acks, Is.Empty, "an ACK for a non-2xx is the transaction's, not the TU's");
        Assert.That(_h.User.Failures, Is.Empty, "Timer H was cancelled");
        Assert.That(_h.Statistics.ServerInviteAlive, Is.EqualTo(1));

        _h.Advance(Seconds(0.1));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero, "Timer I = T4 after the ACK at 0.6 s");
        _h.Receive(Request("INVITE"));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(2), "with the transaction gone the same INVITE is new again");
    }

    [Test]
    public void ARetransmittedInviteInCompletedGetsTheFinalResponseAgain()
    {
        _h.Receive(Request("INVITE"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(404));
        _h.Receive(Request("INVITE"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100", "404", "404" }));
        Assert.That(_h.Sender.Sent[2].Bytes, Is.EqualTo(_h.Sender.Sent[1].Bytes));
    }

    [Test]
    public void OverTcpTheFailureIsNotRetransmittedTimerHStillRunsAndTheAckEndsTheTransactionAtOnce()
    {
        _h.Receive(Request("INVITE", transport: "TCP"), _h.TcpFlow);
        _h.User.Last.Respond(_h.User.Last.CreateResponse(486, toTag: "uas1"));
        _h.Advance(Seconds(10));

        Assert.That(_h.Sender.Of("486"), Has.Count.EqualTo(1));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.EqualTo(1), "Timer H still waits for the ACK");

        _h.Receive(Request("ACK", transport: "TCP", toTag: "uas1"), _h.TcpFlow);
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero, "Timer I is zero on a reliable transport");
    }

    [Test]
    public void OverTcpTimerHStillFiresWhenNoAckComes()
    {
        _h.Receive(Request("INVITE", transport: "TCP"), _h.TcpFlow);
        _h.User.Last.Respond(_h.User.Last.CreateResponse(486));
        _h.Advance(Seconds(31.9));
        Assert.That(_h.User.Failures, Is.Empty);

        _h.Advance(Seconds(0.1));
        Assert.That(_h.User.Failures.Select(f => f.Failure), Is.EqualTo(new[] { SipTransactionFailure.Timeout }));
    }

    [Test]
    public void A2xxMovesToAcceptedWhereInviteRetransmissionsAreAbsorbedAndAcksGoToTheTuUntilTimerL()
    {
        _h.Receive(Request("INVITE"));
        var invite = _h.User.Last;
        var ok = invite.CreateResponse(200, toTag: "uas1");
        invite.Respond(ok);
        _h.Sender.Clear();

        _h.Receive(Request("INVITE"));
        Assert.That(_h.Sender.Sent, Is.Empty, "RFC 6026 §8.1: retransmitting the 2xx is the TU's job, not the transaction's");

        _h.Receive(Request("ACK", branch: "z9hG4bKack2xx", toTag: "uas1"));
        Assert.That(_h.User.Acks, Has.Count.EqualTo(1), "the ACK for a 2xx has its own branch and belongs to the dialog");

        invite.Respond(ok);
        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "200" }), "the TU's 2xx retransmission goes out");
        Assert.That(invite.HasFinalResponse, Is.True);

        _h.Advance(Seconds(31.9));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.EqualTo(1));
        _h.Advance(Seconds(0.1));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero, "Timer L = 64*T1");
        Assert.That(_h.User.Failures, Is.Empty, "Timer L is not a failure");
    }

    [Test]
    public void OnceTheTuHasTheAckTheAcceptedTransactionKeepsOnlyWhatAbsorbsALateInvite()
    {
        _h.Receive(Request("INVITE"));
        var invite = _h.User.Last;
        var ok = invite.CreateResponse(200, toTag: "uas1");
        invite.Respond(ok);
        _h.Receive(Request("ACK", branch: "z9hG4bKack2xx", toTag: "uas1"));
        _h.Sender.Clear();

        invite.AckReceived();
        _h.Receive(Request("INVITE"));
        invite.Respond(ok);

        Assert.That(_h.User.Requests, Has.Count.EqualTo(1), "a late copy of the INVITE is still absorbed");
        Assert.That(_h.Sender.Sent, Is.Empty, "nothing is sent: the 2xx had its ACK");
        Assert.That(_h.Statistics.ServerInviteAlive, Is.EqualTo(1), "still within Timer L");
        _h.Advance(Seconds(32));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero, "Timer L = 64*T1");
        _h.Receive(Request("INVITE"));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(2), "after Timer L the same INVITE is a new request");
    }

    [Test]
    public void AckReceivedBeforeAnyFinalResponseChangesNothing()
    {
        _h.Receive(Request("INVITE"));
        var invite = _h.User.Last;

        invite.AckReceived();
        invite.Respond(invite.CreateResponse(486));

        Assert.That(_h.Sender.Of("486"), Has.Count.EqualTo(1));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.EqualTo(1), "Completed, waiting for the ACK of the 486");
    }

    [Test]
    public void AnInviteTheTuNeverAnswersGets500AfterFifteenMinutes()
    {
        _h.Receive(Request("INVITE"));
        _h.Advance(TimeSpan.FromMinutes(15) - Seconds(1));
        Assert.That(_h.Sender.Of("500"), Is.Empty);

        _h.Advance(Seconds(1));

        Assert.That(_h.Sender.Of("500"), Has.Count.EqualTo(1), "the caller is not left in Proceeding forever");
        Assert.That(_h.Statistics.Unanswered, Is.EqualTo(1));
        Assert.That(_h.User.Last.HasFinalResponse, Is.True);
    }

    [Test]
    public void AnAckReusingTheInviteBranchInAcceptedStillReachesTheTu()
    {
        _h.Receive(Request("INVITE"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200, toTag: "uas1"));

        _h.Receive(Request("ACK", toTag: "uas1"));

        Assert.That(_h.User.Acks, Has.Count.EqualTo(1));
    }

    [Test]
    public void AFailureAfterA2xxIsRefusedAndLoggedNotSent()
    {
        _h.Receive(Request("INVITE"));
        var invite = _h.User.Last;
        invite.Respond(invite.CreateResponse(200, toTag: "uas1"));
        invite.Respond(invite.CreateResponse(500));
        invite.Respond(invite.CreateResponse(180));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100", "200" }));
    }

    [Test]
    public void ATransportErrorSendingTheFinalResponseEndsTheTransactionAndTellsTheTu()
    {
        _h.Receive(Request("INVITE"));
        _h.Sender.Result = m => m.What == "486" ? SipSendResult.SendFailed : SipSendResult.Sent;

        _h.User.Last.Respond(_h.User.Last.CreateResponse(486));

        Assert.That(_h.User.Failures.Select(f => f.Failure), Is.EqualTo(new[] { SipTransactionFailure.TransportError }));
        Assert.That(_h.Statistics.ServerInviteAlive, Is.Zero);
        Assert.That(_h.Statistics.TransportErrors, Is.EqualTo(1));
        _h.Advance(Seconds(40));
        Assert.That(_h.Sender.Of("486"), Has.Count.EqualTo(1), "no timer outlives the transaction");
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
