using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>RFC 3261 §17.1.2 through <see cref="ISipClient.SendNonInviteAsync"/>.</summary>
public sealed class ClientNonInviteTransactionTests
{
    private TransactionHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new TransactionHarness();

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    [Test]
    public async Task TheRequestLeavesWithOneViaOfTheLayersAndItsFinalResponseCompletesTheTask()
    {
        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget);

        var sent = _h.Sender.Last;
        var via = sent.Request.TopVia!;
        Assert.That(sent.Request.Vias, Has.Count.EqualTo(1));
        Assert.That(via.Transport, Is.EqualTo("UDP"));
        Assert.That(via.SentBy, Is.EqualTo($"127.0.0.1:{_h.UdpListener.LocalEndPoint.Port}"));
        Assert.That(via.HasRPort, Is.True);
        Assert.That(via.Branch, Does.Match("^z9hG4bK[0-9a-f]{16,}$"), "the cookie and at least 64 random bits");
        Assert.That(sent.Request.MaxForwards, Is.EqualTo(70), "§8.1.1.6: added when the caller left it out");
        Assert.That(sent.Flow, Is.Null);
        Assert.That(sent.EndPoint, Is.EqualTo(UdpTarget.EndPoint));
        Assert.That(result.IsCompleted, Is.False);

        _h.Receive(ResponseTo(sent.Request, 200));

        Assert.That(result.IsCompleted, Is.True);
        var outcome = await result;
        Assert.That(outcome.StatusCode, Is.EqualTo(200));
        Assert.That(outcome.Failure, Is.EqualTo(SipClientFailure.None));
    }

    [Test]
    public void EveryRequestGetsItsOwnBranch()
    {
        _ = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "a@test"), UdpTarget);
        _ = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "b@test"), UdpTarget);

        Assert.That(_h.Sender.Sent.Select(m => m.Request.TopVia!.Branch).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public async Task OverUdpTimerERetransmitsDoublingFromT1UpToT2AndTimerFEndsItAsATimeout()
    {
        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget);

        _h.Advance(Seconds(40));

        Assert.That(_h.Sender.Sent.Select(m => m.At.TotalSeconds),
            Is.EqualTo(new[] { 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 }));
        Assert.That(_h.Sender.Sent.All(m => m.Bytes.AsSpan().SequenceEqual(_h.Sender.Sent[0].Bytes)), Is.True);
        var outcome = await result;
        Assert.That(outcome.Failure, Is.EqualTo(SipClientFailure.Timeout));
        Assert.That(outcome.StatusCode, Is.EqualTo(408), "§8.1.3.1: the TU treats it as a 408");
        Assert.That(_h.Statistics.Timeouts, Is.EqualTo(1));
        Assert.That(_h.Statistics.RetransmissionsSent, Is.EqualTo(10));
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.Zero);
    }

    [Test]
    public async Task TimerEIsCappedAtT2ExactlyWhenDoublingWouldOvershootIt()
    {
        await using var h = new TransactionHarness(timers: new SipTimerOptions { T1 = TransactionHarness.T1, T2 = Seconds(3), T4 = TransactionHarness.T4 });
        _ = h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget);

        h.Advance(Seconds(10));

        Assert.That(h.Sender.Sent.Select(m => m.At.TotalSeconds), Is.EqualTo(new[] { 0, 0.5, 1.5, 3.5, 6.5, 9.5 }));
    }

    [Test]
    public async Task AfterAProvisionalTimerEFiresEveryT2AndTheProvisionalIsNotTheResult()
    {
        var result = _h.Layer.SendNonInviteAsync(Outgoing("REGISTER"), UdpTarget);
        _h.Advance(Seconds(0.2));
        _h.Receive(ResponseTo(_h.Sender.Last.Request, 100));
        Assert.That(result.IsCompleted, Is.False);

        _h.Advance(Seconds(31.8));

        Assert.That(_h.Sender.Sent.Select(m => m.At.TotalSeconds), Is.EqualTo(new[] { 0, 0.5, 4.5, 8.5, 12.5, 16.5, 20.5, 24.5, 28.5 }));
        Assert.That((await result).Failure, Is.EqualTo(SipClientFailure.Timeout), "Timer F still runs in Proceeding");
    }

    [Test]
    public async Task InCompletedRetransmittedFinalsAreAbsorbedUntilTimerKAtT4()
    {
        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget);
        var request = _h.Sender.Last.Request;
        _h.Receive(ResponseTo(request, 404));
        _h.Receive(ResponseTo(request, 404));
        _h.Advance(Seconds(4.9));

        Assert.That(_h.Sender.Sent, Has.Count.EqualTo(1), "Timer E stopped with the final response");
        Assert.That((await result).StatusCode, Is.EqualTo(404));
        Assert.That(_h.Statistics.RetransmissionsAbsorbed, Is.EqualTo(1));
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.EqualTo(1));

        _h.Advance(Seconds(0.1));
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.Zero);
        _h.Receive(ResponseTo(request, 404));
        Assert.That(_h.Statistics.StrayResponses, Is.EqualTo(1), "after Timer K the response matches nothing");
    }

    [Test]
    public async Task OverTcpNothingIsRetransmittedTimerFStillAppliesAndTimerKIsZero()
    {
        var timedOut = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "tcp-1@test"), TcpTarget);
        Assert.That(_h.Sender.Last.Request.TopVia!.Transport, Is.EqualTo("TCP"));
        Assert.That(_h.Sender.Last.Request.TopVia!.Port, Is.EqualTo(_h.TcpListener.LocalEndPoint.Port));

        _h.Advance(Seconds(32));
        Assert.That(_h.Sender.Sent, Has.Count.EqualTo(1));
        Assert.That((await timedOut).Failure, Is.EqualTo(SipClientFailure.Timeout));

        var answered = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "tcp-2@test"), TcpTarget);
        _h.Receive(ResponseTo(_h.Sender.Last.Request, 200), _h.TcpFlow);
        Assert.That((await answered).StatusCode, Is.EqualTo(200));
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.Zero, "Timer K is zero on a reliable transport");
    }

    [Test]
    public async Task ATransportErrorEndsTheTransactionAsA503()
    {
        _h.Sender.Result = _ => SipSendResult.ConnectFailed;

        var outcome = await _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), TcpTarget);

        Assert.That(outcome.Failure, Is.EqualTo(SipClientFailure.TransportError));
        Assert.That(outcome.StatusCode, Is.EqualTo(503));
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.Zero);
        Assert.That(_h.Statistics.TransportErrors, Is.EqualTo(1));
    }

    [Test]
    public async Task ASendThatCompletesLaterReportsItsFailureThroughTheShard()
    {
        _h.Sender.Hold = true;
        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), TcpTarget);
        Assert.That(result.IsCompleted, Is.False);

        _h.Sender.Release(SipSendResult.ConnectFailed);

        Assert.That((await result.WaitAsync(TimeSpan.FromSeconds(5))).Failure, Is.EqualTo(SipClientFailure.TransportError));
    }

    [Test]
    public async Task AClosedFlowFallsBackToTheTargetEndPointOverItsTransport()
    {
        var flow = new SipFlow(_h.TcpListener, new IPEndPoint(IPAddress.Parse("192.0.2.30"), 40000), 9);
        var target = new SipTarget(SipTransport.Tcp, new IPEndPoint(IPAddress.Parse("192.0.2.30"), 5060), flow);
        _h.Sender.Result = m => m.Flow is null ? SipSendResult.Sent : SipSendResult.ConnectionClosed;

        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), target);

        Assert.That(_h.Sender.Sent.Select(m => m.Flow), Is.EqualTo(new SipFlow?[] { flow, null }));
        Assert.That(_h.Sender.Sent[1].EndPoint, Is.EqualTo(target.EndPoint));
        Assert.That(_h.Sender.Sent[1].Transport, Is.EqualTo(SipTransport.Tcp));
        Assert.That(_h.Sender.Sent[1].Bytes, Is.EqualTo(_h.Sender.Sent[0].Bytes));
        _h.Receive(ResponseTo(_h.Sender.Last.Request, 200), _h.TcpFlow);
        Assert.That((await result).StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task WithNoListenerForTheTargetTheResultIsATransportErrorAndNothingIsSent()
    {
        var outcome = await _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), new SipTarget(SipTransport.Tls, UdpTarget.EndPoint));

        Assert.That(outcome.Failure, Is.EqualTo(SipClientFailure.TransportError));
        Assert.That(_h.Sender.Sent, Is.Empty);
    }

    [Test]
    public void ACancelledWaitEndsTheTaskButNotTheTransaction()
    {
        using var cancel = new CancellationTokenSource();
        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget, cancel.Token);

        cancel.Cancel();

        Assert.That(SpinWait.SpinUntil(() => result.IsCompleted, TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(result.IsCanceled, Is.True);
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.EqualTo(1));
        _h.Advance(Seconds(0.5));
        Assert.That(_h.Sender.Sent, Has.Count.EqualTo(2), "it still retransmits until a response or Timer F");
    }

    [Test]
    public void AResponseIsMatchedByBranchAndCSeqMethodNotByBranchAlone()
    {
        var result = _h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), UdpTarget);
        var wrongMethod = System.Text.Encoding.UTF8.GetString(ResponseTo(_h.Sender.Last.Request, 200)).Replace(" OPTIONS\r\n", " BYE\r\n", StringComparison.Ordinal);

        _h.Receive(wrongMethod);

        Assert.That(result.IsCompleted, Is.False);
        Assert.That(_h.Statistics.StrayResponses, Is.EqualTo(1));
    }

    [Test]
    public void InviteAndAckAreRefusedHere()
    {
        Assert.That(() => _h.Layer.SendNonInviteAsync(Outgoing("INVITE"), UdpTarget), Throws.ArgumentException);
        Assert.That(() => _h.Layer.SendNonInviteAsync(Outgoing("ACK"), UdpTarget), Throws.ArgumentException);
    }
}
