using System.Net;
using System.Text;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Transactions;
using Microsoft.Extensions.Logging;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>What the layer does with input before any transaction: the duties the stateless responder had.</summary>
public sealed class TransactionLayerDoorTests
{
    private TransactionHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new TransactionHarness();

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public void ABannedSourceGetsSilenceAndIsCounted()
    {
        var security = _h.Configuration.Current.Sip.Security with { MaxFailures = 1 };
        _h.Bans.RecordFailure(TransactionHarness.Phone.Address, security, DigestFailure.WrongResponse);

        _h.Receive(Request("INVITE"));

        Assert.That(_h.Sender.Sent, Is.Empty);
        Assert.That(_h.User.Requests, Is.Empty);
        Assert.That(_h.Layer.Counters.Snapshot().FromBannedSources, Is.EqualTo(1));
    }

    [Test]
    public void AMalformedRequestGetsTheParsersAnswerAndNoTransaction()
    {
        _h.Receive(Request("OPTIONS").Replace("CSeq: 1 OPTIONS", "CSeq: x OPTIONS", StringComparison.Ordinal));

        Assert.That(_h.Sender.Last.Text, Does.StartWith("SIP/2.0 400 "));
        Assert.That(_h.Sender.Last.Flow, Is.EqualTo(_h.UdpFlow));
        Assert.That(_h.User.Requests, Is.Empty);
        Assert.That(_h.Layer.Counters.Snapshot().Malformed, Is.EqualTo(1));
        Assert.That(_h.Layer.Counters.Snapshot().ResponsesByClass["4xx"], Is.EqualTo(1));
    }

    [Test]
    public void AMalformedAckIsNeverAnswered()
    {
        _h.Receive(Request("ACK").Replace("CSeq: 1 ACK", "CSeq: x ACK", StringComparison.Ordinal));
        _h.Receive(Request("ACK").Replace("CSeq: 1 ACK\r\n", "CSeq: 1 ACK\r\nCSeq: 2 ACK\r\n", StringComparison.Ordinal));

        Assert.That(_h.Sender.Sent, Is.Empty);
        Assert.That(_h.Layer.Counters.Snapshot().Malformed, Is.EqualTo(2));
    }

    [Test]
    public void ARequestTheValidatorRefusesIsAnswered400()
    {
        _h.Receive(Request("OPTIONS").Replace("CSeq: 1 OPTIONS\r\n", "CSeq: 1 OPTIONS\r\nCSeq: 2 OPTIONS\r\n", StringComparison.Ordinal));

        Assert.That(_h.Sender.Last.Text, Does.StartWith("SIP/2.0 400 Bad Request - Multiple CSeq"));
        Assert.That(_h.User.Requests, Is.Empty);
        Assert.That(_h.Layer.Counters.Snapshot().RequestsByMethod["OPTIONS"], Is.EqualTo(1));
    }

    [Test]
    public void GarbageIsDroppedCountedAndNotAnswered()
    {
        _h.Receive(new byte[] { 0x16, 0x03, 0x01, 0x00, 0x42, 0xff });
        _h.Receive("\r\n\r\n");

        Assert.That(_h.Sender.Sent, Is.Empty);
        Assert.That(_h.Layer.Counters.Snapshot().Malformed, Is.EqualTo(2));
    }

    [Test]
    public void AStrayResponseIsCountedAndDropped()
    {
        _h.Receive("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnobody\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n" +
            "Call-ID: stray@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");

        Assert.That(_h.Statistics.StrayResponses, Is.EqualTo(1));
        Assert.That(_h.Sender.Sent, Is.Empty);
        Assert.That(_h.User.Requests, Is.Empty);
    }

    [Test]
    public async Task ATuThatThrowsIsLoggedAndTheRequestAnswered500()
    {
        var logs = new ListLoggerFactory();
        await using var h = new TransactionHarness(loggers: logs);
        h.User.Answer = _ => throw new InvalidOperationException("TU bug");

        h.Receive(Request("OPTIONS"));

        Assert.That(h.Sender.Last.What, Is.EqualTo("500"));
        Assert.That(logs.Entries.Single(e => e.EventId == 2410).Exception, Is.InstanceOf<InvalidOperationException>());
        h.Receive(Request("OPTIONS", branch: "z9hG4bKnext"));
        Assert.That(h.User.Requests, Has.Count.EqualTo(2), "the shard carries on");
    }

    [Test]
    public async Task WithTheTraceOnBothDirectionsAreTracedInTheTraceCategoryOnly()
    {
        var logs = new ListLoggerFactory();
        await using var h = new TransactionHarness(loggers: logs);
        h.User.Answer = t => t.Respond(t.CreateResponse(200));
        h.Receive(Request("OPTIONS", branch: "z9hG4bKdark"));
        Assert.That(logs.In(SipTrace.Category), Is.Empty, "off by default");

        h.Configuration.Current = h.Configuration.Current with { Logging = h.Configuration.Current.Logging with { SipTrace = true } };
        h.Receive(Request("OPTIONS", branch: "z9hG4bKlit"));
        _ = h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget);

        var trace = logs.In(SipTrace.Category).Select(e => e.Message).ToList();
        Assert.That(trace, Has.Count.EqualTo(3));
        Assert.That(trace[0], Does.StartWith("<< udp:192.0.2.10:5060").And.Contain("z9hG4bKlit"));
        Assert.That(trace[1], Does.StartWith(">> udp:192.0.2.10:5060").And.Contain("SIP/2.0 200 OK"));
        Assert.That(trace[2], Does.StartWith(">> udp:192.0.2.20:5060").And.Contain("OPTIONS sip:bob@192.0.2.20"));
        Assert.That(logs.Entries.Count(e => e.Message.Contains("CSeq:", StringComparison.Ordinal)), Is.EqualTo(3), "no message text outside the trace");
    }

    [Test]
    public async Task ARetransmissionStormLogsNothingAboveDebug()
    {
        var logs = new ListLoggerFactory();
        await using var h = new TransactionHarness(loggers: logs);
        h.User.Answer = t => t.Respond(t.CreateResponse(486));
        h.Receive(Request("INVITE"));
        var before = logs.Entries.Count;

        for (var i = 0; i < 1_000; i++)
        {
            h.Receive(Request("INVITE"));
            h.Receive("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKstray\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n" +
                "Call-ID: s@t\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
            h.Receive(Encoding.ASCII.GetBytes("INVITE junk"));
        }

        h.Advance(Seconds(40));

        Assert.That(h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(1_000));
        Assert.That(h.Sender.Of("486"), Has.Count.GreaterThan(1_000));
        Assert.That(logs.Entries.Skip(before).Where(e => e.Level > LogLevel.Debug), Is.Empty);
    }

    [Test]
    public void CountersFollowTransactionsOfEveryKindUpAndDown()
    {
        _h.Receive(Request("INVITE", callId: "c1@test"));
        _h.Receive(Request("OPTIONS", callId: "c2@test"));
        _ = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "c3@test"), UdpTarget);
        _h.Layer.SendInvite(Outgoing("INVITE", callId: "c4@test"), UdpTarget, new RecordingOwner());

        var alive = _h.Statistics;
        Assert.That((alive.ServerInviteAlive, alive.ServerNonInviteAlive, alive.ClientNonInviteAlive, alive.ClientInviteAlive), Is.EqualTo((1, 1, 1, 1)));
        Assert.That(alive.QueueDepths, Has.Count.EqualTo(2));

        foreach (var transaction in _h.User.Requests)
        {
            transaction.Respond(transaction.CreateResponse(transaction.IsInvite ? 486 : 200));
        }

        _h.Advance(Seconds(64));

        var after = _h.Statistics;
        Assert.That((after.ServerInviteAlive, after.ServerNonInviteAlive, after.ClientNonInviteAlive, after.ClientInviteAlive), Is.EqualTo((0, 0, 0, 0)));
        Assert.That(after.Timeouts, Is.EqualTo(3), "H for the INVITE nobody ACKed, F and B for the requests nobody answered");
    }

    [Test]
    public void TheLayersOwnResponsesCarryTheServerHeaderOfTheLiveConfiguration()
    {
        _h.Configuration.Current = _h.Configuration.Current with { Sip = _h.Configuration.Current.Sip with { UserAgent = "Test/9" } };
        _h.Receive(Request("CANCEL"));

        Assert.That(_h.Sender.Last.Response.GetHeaderValue("Server"), Is.EqualTo("Test/9"));
        Assert.That(_h.Sender.Last.EndPoint, Is.EqualTo(new IPEndPoint(TransactionHarness.Phone.Address, 5060)));
    }
}
