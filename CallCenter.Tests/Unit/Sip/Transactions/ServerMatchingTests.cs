using CallCenter.Core.Sip.Transactions;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>§17.2.3 matching (RFC 3261 and the RFC 2543 fallback), §9.2 CANCEL, and what reaches OnAck.</summary>
public sealed class ServerMatchingTests
{
    private TransactionHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new TransactionHarness();

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public void ACancelMatchingAnInviteIsAnswered200AndTheTuToldThenItsRetransmissionGetsThe200Again()
    {
        _h.Receive(Request("INVITE"));
        var invite = _h.User.Last;
        invite.Respond(invite.CreateResponse(180, toTag: "uas1"));
        _h.Sender.Clear();

        _h.Receive(Request("CANCEL"));

        var ok = _h.Sender.Last.Response;
        Assert.That(ok.StatusCode, Is.EqualTo(200));
        Assert.That(ok.CSeq!.Value.Method, Is.EqualTo("CANCEL"));
        Assert.That(ok.To!.Tag, Is.EqualTo("uas1"), "§9.2: the tag of the INVITE's responses");
        Assert.That(_h.User.Cancels, Is.EqualTo(new[] { invite }));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1), "CANCEL never reaches OnRequest");

        invite.Respond(invite.CreateResponse(487));
        _h.Receive(Request("CANCEL"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "200", "487", "200" }));
        Assert.That(_h.User.Cancels, Has.Count.EqualTo(1));
    }

    [Test]
    public void ACancelMatchingNothingGets481()
    {
        _h.Receive(Request("INVITE", branch: "z9hG4bKother"));
        _h.Sender.Clear();

        _h.Receive(Request("CANCEL", branch: "z9hG4bKnothing"));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "481" }));
        Assert.That(_h.Sender.Last.Response.GetHeaderValue("Server"), Is.EqualTo("CallCenter"));
        Assert.That(_h.User.Cancels, Is.Empty);
    }

    [Test]
    public void ACancelAfterTheFinalResponseIsAnswered200ButDoesNotBotherTheTu()
    {
        _h.Receive(Request("INVITE"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(486));

        _h.Receive(Request("CANCEL"));

        Assert.That(_h.Sender.Last.What, Is.EqualTo("200"));
        Assert.That(_h.User.Cancels, Is.Empty);
    }

    [Test]
    public void TheSameBranchFromAnotherSentByIsAnotherTransaction()
    {
        _h.Receive(Request("OPTIONS", sentBy: "192.0.2.10:5060"));
        _h.Receive(Request("OPTIONS", sentBy: "192.0.2.11:5060"));
        _h.Receive(Request("OPTIONS", sentBy: "192.0.2.10"));

        Assert.That(_h.User.Requests, Has.Count.EqualTo(3));
        Assert.That(_h.Statistics.ServerNonInviteAlive, Is.EqualTo(3));
    }

    [Test]
    public void TheSentByHostIsComparedWithoutRegardToCase()
    {
        _h.Receive(Request("OPTIONS", sentBy: "Phone.Example.COM:5060"));
        _h.Receive(Request("OPTIONS", sentBy: "phone.example.com:5060"));

        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void TheSameBranchWithAnotherMethodIsAnotherTransaction()
    {
        _h.Receive(Request("INVITE"));
        _h.Receive(Request("BYE", cseq: 2));

        Assert.That(_h.User.Requests.Select(t => t.Request.Method), Is.EqualTo(new[] { "INVITE", "BYE" }));
    }

    [Test]
    public void AnAckMatchingNoTransactionIsForA2xxAndGoesToTheTuUnanswered()
    {
        _h.Receive(Request("ACK", toTag: "uas1"));

        Assert.That(_h.User.Acks, Has.Count.EqualTo(1));
        Assert.That(_h.Sender.Sent, Is.Empty, "an ACK has no response");
        Assert.That(_h.Statistics.ServerInviteAlive + _h.Statistics.ServerNonInviteAlive, Is.Zero);
    }

    [Test]
    public void Rfc2543RetransmissionsWithoutTheMagicCookieAreMatchedByTheirFields()
    {
        _h.Receive(Request("INVITE", branch: "old1"));
        _h.Receive(Request("INVITE", branch: "old1"));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
        Assert.That(_h.Sender.Of("100"), Has.Count.EqualTo(2), "the retransmission got the 100 again");

        _h.Receive(Request("INVITE", branch: "old1", cseq: 2));
        _h.Receive(Request("INVITE", branch: "old1", fromTag: "other"));
        _h.Receive(Request("INVITE", branch: "old1", callId: "call-2@test"));
        _h.Receive(Request("INVITE", branch: "old1", uri: "sip:1001@192.0.2.2"));
        _h.Receive(Request("INVITE", branch: "old2"));
        Assert.That(_h.User.Requests, Has.Count.EqualTo(6), "CSeq, From tag, Call-ID, Request-URI and top Via each tell requests apart");
    }

    [Test]
    public void Rfc2543RequestsWithNoBranchAtAllAreMatchedToo()
    {
        _h.Receive(Request("OPTIONS", branch: ""));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(200));
        _h.Receive(Request("OPTIONS", branch: ""));

        Assert.That(_h.User.Requests, Has.Count.EqualTo(1));
        Assert.That(_h.Sender.Of("200"), Has.Count.EqualTo(2));
    }

    [Test]
    public void AnRfc2543AckIsTheTransactionsOnlyWhenItCarriesTheTagOfTheResponse()
    {
        _h.Receive(Request("INVITE", branch: "old1"));
        _h.User.Last.Respond(_h.User.Last.CreateResponse(486, toTag: "uas9"));

        _h.Receive(Request("ACK", branch: "old1", toTag: "wrong"));
        Assert.That(_h.User.Acks, Has.Count.EqualTo(1), "another tag: not this transaction's ACK");

        _h.Receive(Request("ACK", branch: "old1", toTag: "uas9"));
        _h.Advance(Seconds(2));
        Assert.That(_h.User.Acks, Has.Count.EqualTo(1));
        Assert.That(_h.Sender.Of("486"), Has.Count.EqualTo(1), "Confirmed: Timer G stopped");
    }

    [Test]
    public void AnRfc2543CancelFindsItsInvite()
    {
        _h.Receive(Request("INVITE", branch: "old1"));

        _h.Receive(Request("CANCEL", branch: "old1"));

        Assert.That(_h.User.Cancels, Has.Count.EqualTo(1));
        Assert.That(_h.Sender.Last.What, Is.EqualTo("200"));
    }

    [Test]
    public void ABranchThatIsOnlyTheCookieIsTreatedAsRfc2543()
    {
        _h.Receive(Request("OPTIONS", branch: "z9hG4bK"));
        _h.Receive(Request("OPTIONS", branch: "z9hG4bK", cseq: 2));

        Assert.That(_h.User.Requests, Has.Count.EqualTo(2), "RFC 4475 badbranch: the fallback fields differ by CSeq");
    }
}
