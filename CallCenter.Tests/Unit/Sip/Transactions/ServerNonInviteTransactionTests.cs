using CallCenter.Core.Sip.Transactions;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>RFC 3261 §17.2.2, and the layer's guard against a TU that never answers.</summary>
public sealed class ServerNonInviteTransactionTests
{
    private TransactionHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new TransactionHarness();

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public void InTryingARetransmissionIsAbsorbedSilentlyAndTheTuSeesTheRequestOnce()
    {
        _h.Receive(Request("OPTIONS"));
        _h.Receive(Request("OPTIONS"));

        Assert.That(_h.Sender.Sent, Is.Empty, "no 100 for non-INVITE, and nothing to resend yet");
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
        Assert.That(_h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(1));
    }

    [Test]
    public void InProceedingARetransmissionGetsTheLastProvisional()
    {
        _h.Receive(Request("REGISTER"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(100));
        _h.Receive(Request("REGISTER"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100", "100" }));
        Assert.That(_h.Sender.Sent[1].Bytes, Is.EqualTo(_h.Sender.Sent[0].Bytes));
    }

    [Test]
    public void InCompletedEveryRetransmissionGetsTheSameFinalBytesUntilTimerJ()
    {
        _h.Receive(Request("OPTIONS"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.Advance(Seconds(10));
        _h.Receive(Request("OPTIONS"));
        _h.Advance(Seconds(21.9));
        _h.Receive(Request("OPTIONS"));

        var answers = _h.Sender.Of("200");
        Assert.That(answers.Select(m => m.At.TotalSeconds), Is.EqualTo(new[] { 0, 10, 31.9 }));
        Assert.That(answers.All(m => m.Bytes.AsSpan().SequenceEqual(answers[0].Bytes)), Is.True);
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));

        _h.Advance(Seconds(0.1));
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.Zero, "Timer J = 64*T1 over UDP");
        _h.Receive(Request("OPTIONS"));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(2), "after Timer J the same request is a new one");
    }

    [Test]
    public void ARetransmissionTheByteScanReadsDifferentlyFromTheParserIsStillAbsorbed()
    {
        // "05060" is port 5060 to the parser but other bytes to the scan before it (SipRetransmissionScanner): the
        // scan misses, and the parsed lookup after it must still find the completed transaction.
        var request = Request("OPTIONS", sentBy: "192.0.2.10:05060");
        _h.Receive(request);
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.Receive(request);
        _h.Receive(Request("OPTIONS"));

        Assert.That(_h.Sender.Of("200"), Has.Count.EqualTo(3));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1), "both retransmissions were absorbed, however written");
        Assert.That(_h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(2));
    }

    [TestCase("192.0.2.10:5060", TestName = "ARetransmissionThatArrivedBeforeTheFinalResponseLeftIsAbsorbedWithoutAnAnswer(scanned)")]
    [TestCase("192.0.2.10:05060", TestName = "ARetransmissionThatArrivedBeforeTheFinalResponseLeftIsAbsorbedWithoutAnAnswer(parsed)")]
    public void ARetransmissionThatArrivedBeforeTheFinalResponseLeftIsAbsorbedWithoutAnAnswer(string sentBy)
    {
        // §17.2.2: a retransmission received while Trying is absorbed with no answer. One that reached the host 300 ms
        // before the 200 left, and waited in the socket's buffer behind a backlog, was sent while the client's
        // transaction was still waiting for it, so the 200 on its way is its answer.
        var request = Request("REGISTER", sentBy: sentBy);
        _h.Receive(request);
        _h.Advance(Seconds(0.5));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.Advance(Seconds(0.1));
        _h.ReceiveQueued(request, waited: Seconds(0.4));

        Assert.That(_h.Sender.Of("200"), Has.Count.EqualTo(1), "no second 200 for a retransmission older than the first");
        Assert.That(_h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(1));
        Assert.That(_h.Statistics.RetransmissionsBeforeAnswer, Is.EqualTo(1));

        // One that arrived after the 200 left may mean the 200 was lost: it gets the 200 again.
        _h.ReceiveQueued(request, waited: Seconds(0.05));
        _h.Receive(request);

        Assert.That(_h.Sender.Of("200"), Has.Count.EqualTo(3));
        Assert.That(_h.Sender.Of("200")[2].Bytes, Is.EqualTo(_h.Sender.Of("200")[0].Bytes), "the same response, byte for byte");
        Assert.That(_h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(3));
        Assert.That(_h.Statistics.RetransmissionsBeforeAnswer, Is.EqualTo(1));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void ACompletedTransactionKeepsOnlyItsFinalBytesUntilTimerJ()
    {
        _h.Receive(Request("REGISTER"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));

        var sent = _h.Sender.Of("200")[0].Bytes;
        Assert.That(_h.Statistics.CompletedBytes, Is.EqualTo(sent.Length), "the compact store holds the response bytes");
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.EqualTo(1), "still alive for Timer J");

        _h.Advance(64 * TransactionHarness.T1);

        Assert.That(_h.Statistics.CompletedBytes, Is.Zero);
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.Zero);
    }

    [Test]
    public void TransactionsCompletedAtDifferentTimesEachLingerAtLeast64T1AndLeaveInOneBatchWindow()
    {
        _h.Receive(Request("OPTIONS", branch: "z9hG4bKfirst"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.Advance(Seconds(0.01));
        _h.Receive(Request("OPTIONS", branch: "z9hG4bKsecond", callId: "call-2@test"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));

        _h.Advance(Seconds(31.99));
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.EqualTo(1), "the first left at 32 s, the second is 10 ms younger");
        _h.Receive(Request("OPTIONS", branch: "z9hG4bKsecond", callId: "call-2@test"));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(2), "the second's retransmission is still absorbed");

        _h.Advance(Seconds(0.05));
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.Zero, "sweeps are batched by at most 50 ms");
    }

    [Test]
    public void ADiscardedTransactionAnswersNothingAndAbsorbsRetransmissionsFor64T1()
    {
        _h.Receive(Request("REGISTER"));
        _h.User.Last.Discard();
        _h.Advance(Seconds(10));
        _h.Receive(Request("REGISTER"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(401));

        Assert.That(_h.Sender.Sent, Is.Empty, "no answer, not to retransmissions, and no late response either");
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
        Assert.That(_h.User.Last.HasFinalResponse, Is.True);

        _h.Advance(Seconds(22));
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.Zero, "gone when the client's Timer F has fired");
        Assert.That(_h.Statistics.Unanswered, Is.Zero, "a discard is not a TU that forgot to answer");
    }

    [Test]
    public void ADiscardOverTcpEndsTheTransactionAtOnce()
    {
        _h.Receive(Request("REGISTER", transport: "TCP"), _h.TcpFlow);
        _h.User.Last.Discard();

        Assert.That(_h.Sender.Sent, Is.Empty);
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.Zero);
    }

    [Test]
    public void ADiscardAfterTheFinalResponseChangesNothing()
    {
        _h.Receive(Request("OPTIONS"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.User.Last.Discard();
        _h.Receive(Request("OPTIONS"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "200", "200" }));
    }

    [Test]
    public void OverTcpTimerJIsZeroSoTheTransactionEndsWithItsFinalResponse()
    {
        _h.Receive(Request("OPTIONS", transport: "TCP"), _h.TcpFlow);
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.EqualTo(1));

        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "200" }));
        Assert.That(_h.Sender.Last.Flow, Is.EqualTo(_h.TcpFlow));
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.Zero);
    }

    [Test]
    public async Task AResponseFromAnotherThreadReachesTheWire()
    {
        _h.Receive(Request("OPTIONS"));
        var transaction = _h.User.Last;

        await Task.Run(() => transaction.Respond(transaction.CreateResponse(200)));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "200" }));
    }

    [Test]
    public async Task ARequestTheTuNeverAnswersIsDroppedAfter64T1WithOneWarning()
    {
        var logs = new ListLoggerFactory();
        await using var h = new TransactionHarness(loggers: logs);
        h.Receive(Request("OPTIONS"));
        h.Advance(Seconds(31.9));
        Assert.That(h.Statistics.ServerNonInviteAlive, Is.EqualTo(1));

        h.Advance(Seconds(0.1));

        Assert.That(h.Statistics.ServerNonInviteAlive, Is.Zero);
        Assert.That(h.Statistics.Unanswered, Is.EqualTo(1));
        Assert.That(h.Sender.Sent, Is.Empty, "RFC 4320 §4.1: never a 408 to a non-INVITE");
        Assert.That(logs.Entries.Count(e => e.EventId == 2409 && e.Level == LogLevel.Warning), Is.EqualTo(1));
        h.User.Last.Respond(h.User.Last.CreateResponse(200));
        Assert.That(h.Sender.Sent, Is.Empty, "a response after the end is ignored");
    }

    [Test]
    public void ASecondFinalResponseIsIgnored()
    {
        _h.Receive(Request("OPTIONS"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(500));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "200" }));
    }
}
