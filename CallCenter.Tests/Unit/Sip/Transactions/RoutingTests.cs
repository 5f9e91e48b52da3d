using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>Which listener a request leaves by and what its Via says; where responses go when their flow is gone.</summary>
public sealed class RoutingTests
{
    [Test]
    public async Task AListenerOnTheWildcardAddressNeverPutsItInTheVia()
    {
        await using var h = new TransactionHarness(bindAny: true);

        _ = h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "lo@test"), new SipTarget(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, 5060)));
        _ = h.Layer.SendNonInviteAsync(Outgoing("OPTIONS", callId: "far@test"), UdpTarget);

        var port = h.UdpListener.LocalEndPoint.Port;
        Assert.That(h.Sender.Sent[0].Request.TopVia!.SentBy, Is.EqualTo($"127.0.0.1:{port}"), "a loopback target gets the loopback address");
        Assert.That(h.Sender.Sent[1].Request.TopVia!.SentBy, Is.EqualTo($"{RoutedFrom(UdpTarget.EndPoint.Address)}:{port}"),
            "any other target gets the address the OS routes from");
        Assert.That(h.Sender.Sent.Select(m => m.Request.TopVia!.Host), Has.None.EqualTo("0.0.0.0"));
    }

    [Test]
    public async Task ATargetWithAFlowLeavesByThatFlowAndItsListenerNamesTheVia()
    {
        await using var h = new TransactionHarness();
        var second = h.Listener(SipTransport.Udp, IPAddress.Loopback, 2);
        h.Sender.Listeners = [h.UdpListener, h.TcpListener, second];
        var flow = new SipFlow(second, new IPEndPoint(IPAddress.Parse("192.0.2.40"), 40001), 0);

        _ = h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), SipTarget.From(flow));

        Assert.That(h.Sender.Last.Flow, Is.EqualTo(flow));
        Assert.That(h.Sender.Last.Request.TopVia!.Port, Is.EqualTo(second.LocalEndPoint.Port));
        Assert.That(h.Sender.Last.Request.TopVia!.Port, Is.Not.EqualTo(h.UdpListener.LocalEndPoint.Port));
    }

    [Test]
    public async Task ATcpFlowNamesTheTcpListenerAndTransportInTheVia()
    {
        await using var h = new TransactionHarness();

        _ = h.Layer.SendNonInviteAsync(Outgoing("OPTIONS"), SipTarget.From(h.TcpFlow));

        var via = h.Sender.Last.Request.TopVia!;
        Assert.That(via.Transport, Is.EqualTo("TCP"));
        Assert.That(via.Port, Is.EqualTo(h.TcpListener.LocalEndPoint.Port));
        Assert.That(h.Sender.Last.Flow, Is.EqualTo(h.TcpFlow));
    }

    [Test]
    public async Task AResponseWhoseConnectionClosedGoesToTheSourceAddressAndViaPortAndLaterOnesFollow()
    {
        await using var h = new TransactionHarness();
        h.Sender.Result = m => m.Flow is null ? SipSendResult.Sent : SipSendResult.ConnectionClosed;
        h.Receive(Request("INVITE", transport: "TCP", sentBy: "phone.example.com:5070"), h.TcpFlow);
        var invite = h.User.Last;
        var ok = invite.CreateResponse(200, toTag: "uas1");

        invite.Respond(ok);
        invite.Respond(ok);

        Assert.That(h.Sender.Sent.Select(m => (m.What, m.Flow is null)),
            Is.EqualTo(new[] { ("100", false), ("100", true), ("200", true), ("200", true) }),
            "after the first fallback the transaction sends to the fallback directly");
        var fallback = h.Sender.Sent[1];
        Assert.That(fallback.Transport, Is.EqualTo(SipTransport.Tcp));
        Assert.That(fallback.EndPoint, Is.EqualTo(new IPEndPoint(TransactionHarness.Phone.Address, 5070)),
            "§18.2.2: the received address (the packet's source) with the sent-by port");
        Assert.That(h.User.Failures, Is.Empty);
    }

    [Test]
    public async Task AResponseThatCannotBeSentAnywhereFailsTheTransactionForTheTu()
    {
        await using var h = new TransactionHarness();
        h.Receive(Request("OPTIONS", transport: "TCP"), h.TcpFlow);
        h.Sender.Result = m => m.Flow is null ? SipSendResult.ConnectFailed : SipSendResult.ConnectionClosed;

        h.User.Last.Respond(h.User.Last.CreateResponse(200));

        Assert.That(h.User.Failures.Select(f => f.Failure), Is.EqualTo(new[] { SipTransactionFailure.TransportError }));
        Assert.That(h.Statistics.ServerNonInviteAlive, Is.Zero);
    }

    [Test]
    public async Task AnInviteWhose100CannotBeSentEndsAndTheTuThatWasAskedHearsOfIt()
    {
        await using var h = new TransactionHarness();
        h.Sender.Result = _ => SipSendResult.ConnectionClosed;

        h.Receive(Request("INVITE", transport: "TCP"), h.TcpFlow);

        Assert.That(h.Sender.Sent.Select(m => m.Flow is null), Is.EqualTo(new[] { false, true }), "the 100 tried the flow, then the Via sent-by");
        Assert.That(h.User.Requests, Has.Count.EqualTo(1), "the TU is asked first (the 100 follows unless it answers at once)");
        Assert.That(h.User.Failures, Has.Count.EqualTo(1), "nobody can be answered: the TU is told");
        Assert.That(h.Statistics.ServerInviteAlive, Is.Zero);
    }

    [Test]
    public async Task AnInviteTheTuAnswersFinallyWhileAskedGetsNo100()
    {
        await using var h = new TransactionHarness();
        h.User.Answer = t => t.Respond(t.CreateResponse(407));

        h.Receive(Request("INVITE"));

        Assert.That(h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "407" }), "the challenge alone: a 100 before it would only cost a datagram each way");
    }

    [Test]
    public async Task AnInviteTheTuTakesAwayToAnswerLaterGetsItsTryingAtOnce()
    {
        await using var h = new TransactionHarness();

        h.Receive(Request("INVITE"));
        Assert.That(h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100" }));

        h.User.Last.Respond(h.User.Last.CreateResponse(180, toTag: "uas1"));
        h.User.Last.Respond(h.User.Last.CreateResponse(200, toTag: "uas1"));
        Assert.That(h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "100", "180", "200" }));
    }

    [Test]
    public async Task AResponseSendThatFailsLaterFailsTheTransactionThroughItsShard()
    {
        await using var h = new TransactionHarness();
        h.Receive(Request("INVITE", transport: "TCP"), h.TcpFlow);
        h.Sender.Hold = true;
        h.User.Last.Respond(h.User.Last.CreateResponse(486));
        Assert.That(h.User.Failures, Is.Empty);

        h.Sender.Release(SipSendResult.SendFailed);

        Assert.That(SpinWait.SpinUntil(() => h.User.Failures.Count == 1, TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(h.Statistics.ServerInviteAlive, Is.Zero);
    }

    [Test]
    public async Task OverUdpAResponseAlwaysGoesBackToThePacketsSource()
    {
        await using var h = new TransactionHarness();
        h.Receive(Request("OPTIONS", sentBy: "10.1.1.1:5080"));

        h.User.Last.Respond(h.User.Last.CreateResponse(200));

        Assert.That(h.Sender.Last.Flow, Is.EqualTo(h.UdpFlow), "RFC 3581: symmetric response, whatever the Via says");
        Assert.That(h.Sender.Last.Response.TopVia!.Received, Is.EqualTo("192.0.2.10"));
    }

    /// <summary>What the kernel says, asked the same way; a box with no route at all gets the loopback fallback.</summary>
    private static IPAddress RoutedFrom(IPAddress remote)
    {
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(remote, 9));
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return IPAddress.Loopback;
        }
    }
}
