using System.Runtime.CompilerServices;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>RFC 3261 §17.1.1 with RFC 6026, and §9.1 CANCEL, through <see cref="ISipInviteClient"/>.</summary>
public sealed class ClientInviteTransactionTests
{
    private const string RouteA = "<sip:proxy1.example.net;lr>";
    private const string RouteB = "<sip:proxy2.example.net;lr>, <sip:proxy3.example.net;lr>";

    private TransactionHarness _h = null!;
    private RecordingOwner _owner = null!;

    [SetUp]
    public void SetUp()
    {
        _h = new TransactionHarness();
        _owner = new RecordingOwner();
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private SipClientInvite Invite(SipTarget? target = null) =>
        _h.Layer.SendInvite(Outgoing("INVITE", routes: [RouteA, RouteB]), target ?? UdpTarget, _owner);

    [Test]
    public void OverUdpTimerADoublesWithoutACapUntilTimerBReportsATimeout()
    {
        var invite = Invite();

        _h.Advance(Seconds(40));

        Assert.That(_h.Sender.Of("INVITE").Select(m => m.At.TotalSeconds), Is.EqualTo(new[] { 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 }),
            "§17.1.1.2: A doubles 0.5, 1, 2, 4, 8, 16 s; unlike E and G it is not capped at T2");
        Assert.That(_owner.Events, Is.EqualTo(new[] { "Timeout" }));
        Assert.That(_owner.Failures[0].StatusCode, Is.EqualTo(408));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero);
        Assert.That(invite.Request.IsMethod(SipMethods.Invite), Is.True);
        Assert.That(invite.Request.Bytes.ToArray(), Is.EqualTo(_h.Sender.Sent[0].Bytes), "the handle holds the INVITE as sent");
    }

    [Test]
    public void AProvisionalStopsTimerAAndTimerBAndReachesTheOwner()
    {
        Invite();
        _h.Advance(Seconds(0.7));
        _h.Receive(ResponseTo(_h.Sender.Last.Request, 100));
        _h.Receive(ResponseTo(_h.Sender.Last.Request, 180));

        _h.Advance(Seconds(120));

        Assert.That(_h.Sender.Of("INVITE"), Has.Count.EqualTo(2), "sent at 0 and 0.5 s, then nothing");
        Assert.That(_owner.Events, Is.EqualTo(new[] { "100", "180" }), "Timer B only guards Calling: ringing may last");
        Assert.That(_h.Statistics.ClientInviteAlive, Is.EqualTo(1));
    }

    [Test]
    public void AFailureIsAckedWithExactlyTheHeadersOf17113AndReportedOnce()
    {
        var invite = Invite().Request;
        var busy = ResponseTo(invite, 486, toTag: "callee7");
        _h.Receive(ResponseTo(invite, 180, toTag: "callee7"));

        _h.Receive(busy);

        var ack = _h.Sender.Of("ACK").Single().Request;
        Assert.That(ack.RequestUri.ToString(), Is.EqualTo(invite.RequestUri.ToString()));
        Assert.That(ack.Vias, Has.Count.EqualTo(1));
        Assert.That(ack.TopVia!.ToString(), Is.EqualTo(invite.TopVia!.ToString()), "the INVITE's top Via, branch and all");
        Assert.That(ack.GetHeaderValue("From"), Is.EqualTo(invite.GetHeaderValue("From")));
        Assert.That(ack.GetHeaderValue("To"), Is.EqualTo("<sip:bob@192.0.2.20>;tag=callee7"), "the To of the response");
        Assert.That(ack.CallId, Is.EqualTo(invite.CallId));
        Assert.That(ack.CSeq, Is.EqualTo(new SipCSeq(invite.CSeq!.Value.Number, "ACK")));
        Assert.That(ack.Routes.Select(r => r.ToString()), Is.EqualTo(invite.Routes.Select(r => r.ToString())));
        Assert.That(ack.Routes, Has.Count.EqualTo(3));
        Assert.That(ack.Headers.Select(h => ack.GetName(h)),
            Is.EqualTo(new[] { "Via", "Route", "Route", "Max-Forwards", "From", "To", "Call-ID", "CSeq", "Content-Length" }),
            "nothing else: no Contact, no body");
        Assert.That(_h.Sender.Of("ACK")[0].EndPoint, Is.EqualTo(UdpTarget.EndPoint), "to where the INVITE went");
        Assert.That(_owner.Events, Is.EqualTo(new[] { "180", "486" }));
        Assert.That(_owner.Failures[0].Response!.StatusCode, Is.EqualTo(486));
    }

    [Test]
    public void InCompletedARetransmittedFailureIsAckedAgainUntilTimerDAt32Seconds()
    {
        var invite = Invite().Request;
        _h.Receive(ResponseTo(invite, 503));
        _h.Advance(Seconds(5));
        _h.Receive(ResponseTo(invite, 503));

        Assert.That(_h.Sender.Of("ACK"), Has.Count.EqualTo(2));
        Assert.That(_h.Sender.Of("ACK")[1].Bytes, Is.EqualTo(_h.Sender.Of("ACK")[0].Bytes));
        Assert.That(_owner.Events, Is.EqualTo(new[] { "503" }), "the owner hears it once");
        Assert.That(_h.Sender.Of("INVITE"), Has.Count.EqualTo(1), "Timer A stopped");

        _h.Advance(Seconds(26.9));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.EqualTo(1));
        _h.Advance(Seconds(0.1));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero, "Timer D = 32 s");
    }

    [Test]
    public void OverTcpTheInviteIsSentOnceAndTimerDIsZero()
    {
        var invite = Invite(TcpTarget).Request;
        _h.Advance(Seconds(10));
        Assert.That(_h.Sender.Of("INVITE"), Has.Count.EqualTo(1));

        _h.Receive(ResponseTo(invite, 486), _h.TcpFlow);

        Assert.That(_h.Sender.Of("ACK"), Has.Count.EqualTo(1));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero);
    }

    [Test]
    public void EverySuccessGoesToTheOwnerInAcceptedRetransmissionsAndForksAlikeUntilTimerM()
    {
        var invite = Invite().Request;
        _h.Receive(ResponseTo(invite, 200, toTag: "fork1"));
        _h.Receive(ResponseTo(invite, 200, toTag: "fork1"));
        _h.Receive(ResponseTo(invite, 200, toTag: "fork2"));
        _h.Receive(ResponseTo(invite, 486, toTag: "fork3"));

        Assert.That(_owner.Successes.Select(r => r.To!.Tag), Is.EqualTo(new[] { "fork1", "fork1", "fork2" }));
        Assert.That(_owner.Failures, Is.Empty, "never a failure after a 2xx");
        Assert.That(_h.Sender.Of("ACK"), Is.Empty, "the ACK for a 2xx is the owner's (§13.2.2.4)");
        Assert.That(_h.Sender.Of("INVITE"), Has.Count.EqualTo(1));

        _h.Advance(Seconds(32));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero, "Timer M = 64*T1");
        _h.Receive(ResponseTo(invite, 200, toTag: "fork1"));
        Assert.That(_owner.Successes, Has.Count.EqualTo(3));
        Assert.That(_h.Statistics.StrayResponses, Is.EqualTo(1));
    }

    [Test]
    public void InAcceptedTheInviteIsLetGoAfterTwoSecondsAndALater2xxMakesItsDialogFromItselfAlone()
    {
        var handle = Invite();
        var sent = handle.Request;
        _h.Receive(Answer(sent, "fork1"));
        Assert.That(handle.Request, Is.SameAs(sent), "the owner reads the INVITE it sent while it takes the 2xx");
        Assert.That(handle.TryCreateDialog(_owner.Successes[0], false, out var first, out var reason), Is.True, reason);

        _h.Advance(Seconds(2));
        Assert.That(handle.HeldRequest, Is.Null, "neither the parsed INVITE nor its bytes are kept for the rest of Timer M");
        Assert.Throws<InvalidOperationException>(() => _ = handle.Request);

        // A 2xx of another fork still reaches the owner, who makes its dialog from the 2xx alone, until Timer M.
        _h.Receive(Answer(sent, "fork2"));
        Assert.That(_owner.Successes.Select(r => r.To!.Tag), Is.EqualTo(new[] { "fork1", "fork2" }));
        Assert.That(handle.TryCreateDialog(_owner.Successes[1], false, out var late, out reason), Is.True, reason);
        Assert.That(late!.Id, Is.EqualTo(new SipDialogId(first!.Id.CallId, first.Id.LocalTag, "fork2")));
        Assert.That((late.LocalSequence, late.RemoteTarget.ToString(), late.LocalParty.ToString()), Is.EqualTo((first.LocalSequence, first.RemoteTarget.ToString(), first.LocalParty.ToString())));
        _h.Advance(Seconds(30));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero, "Timer M = 64*T1, unchanged");

        // A 2xx as a UAS writes it: with its Contact (§13.3.1.4) and a Record-Route.
        static byte[] Answer(SipRequest invite, string toTag) =>
            SipMessageBuilder.ForResponse(invite, 200, reason: null, toTag: toTag)
                .AddHeader("Contact", "<sip:callee@192.0.2.20:5062>")
                .AddHeaderFirst("Record-Route", "<sip:proxy.example.com;lr>")
                .ToBytes();
    }

    [Test]
    public void AfterTwoSecondsInAcceptedTheTransactionObjectIsLetGoWhileTheOwnerStillHearsEvery2xx()
    {
        var handle = Invite();
        var sent = handle.Request;
        _h.Receive(ResponseTo(sent, 200, toTag: "fork1"));
        var transaction = WeakTransaction(_h.Layer.ShardFor(sent.CallId!));

        _h.Advance(Seconds(2));
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.That(transaction.IsAlive, Is.False, "neither the shard nor the owner's handle keeps the transaction for the rest of Timer M");
        Assert.That(_h.Statistics.ClientInviteAlive, Is.EqualTo(1), "it still counts as alive: Timer M runs");
        _h.Receive(ResponseTo(sent, 200, toTag: "fork1"));
        Assert.That(_owner.Successes, Has.Count.EqualTo(2), "a retransmitted 2xx still reaches the owner, with the handle it knows");
        Assert.That(_owner.Invites, Has.All.SameAs(handle));
        _h.Receive(ResponseTo(sent, 180));
        Assert.That((_owner.Events.Count(e => e == "180"), _h.Statistics.RetransmissionsAbsorbed, _h.Statistics.StrayResponses), Is.EqualTo((0, 1L, 0L)),
            "anything but a 2xx is absorbed, not a stray");
        handle.Cancel();
        Assert.That(_h.Sender.Of("CANCEL"), Is.Empty, "nothing to cancel after a 2xx");

        _h.Advance(Seconds(30));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero, "Timer M = 64*T1 from the 2xx");
        _h.Receive(ResponseTo(sent, 200, toTag: "fork1"));
        Assert.That((_owner.Successes.Count, _h.Statistics.StrayResponses), Is.EqualTo((2, 1L)));

        [MethodImpl(MethodImplOptions.NoInlining)]
        static WeakReference WeakTransaction(SipShard shard) => new(shard.Clients.Values.Single());
    }

    [Test]
    public async Task TheOwnersAckForA2xxGoesOutWithAFreshBranchOfItsOwn()
    {
        var invite = Invite().Request;
        _h.Receive(ResponseTo(invite, 200));
        var ack = SipMessageBuilder.ForRequest(SipMethods.Ack, SipUri.Parse("sip:bob@192.0.2.20"))
            .AddHeader("From", invite.GetHeaderValue("From")!)
            .AddHeader("To", _owner.Successes[0].GetHeaderValue("To")!)
            .AddHeader("Call-ID", invite.CallId!)
            .AddHeader("CSeq", $"{invite.CSeq!.Value.Number} ACK");

        var result = await _h.Layer.SendAckAsync(ack, UdpTarget);

        Assert.That(result, Is.EqualTo(SipSendResult.Sent));
        var sent = _h.Sender.Of("ACK").Single().Request;
        Assert.That(sent.TopVia!.HasRfc3261Branch, Is.True);
        Assert.That(sent.TopVia.Branch, Is.Not.EqualTo(invite.TopVia!.Branch));
        Assert.That(_h.Statistics.ClientNonInviteAlive + _h.Statistics.ClientInviteAlive, Is.EqualTo(1), "no transaction for the ACK");
    }

    [Test]
    public void CancelBeforeAnyProvisionalWaitsAndGoesOutWithTheFirstOne()
    {
        var handle = Invite();
        handle.Cancel();
        _h.Advance(Seconds(1));
        Assert.That(_h.Sender.Of("CANCEL"), Is.Empty, "§9.1: not before a provisional response");
        Assert.That(handle.IsCancelRequested, Is.True);

        _h.Receive(ResponseTo(handle.Request, 100));

        var cancel = _h.Sender.Of("CANCEL").Single().Request;
        var invite = handle.Request;
        Assert.That(cancel.RequestUri.ToString(), Is.EqualTo(invite.RequestUri.ToString()));
        Assert.That(cancel.Vias, Has.Count.EqualTo(1));
        Assert.That(cancel.TopVia!.ToString(), Is.EqualTo(invite.TopVia!.ToString()), "same branch: that is how the server finds the INVITE");
        Assert.That(cancel.GetHeaderValue("From"), Is.EqualTo(invite.GetHeaderValue("From")));
        Assert.That(cancel.GetHeaderValue("To"), Is.EqualTo(invite.GetHeaderValue("To")), "the INVITE's To, without a tag");
        Assert.That(cancel.CallId, Is.EqualTo(invite.CallId));
        Assert.That(cancel.CSeq, Is.EqualTo(new SipCSeq(invite.CSeq!.Value.Number, "CANCEL")));
        Assert.That(cancel.Routes.Select(r => r.ToString()), Is.EqualTo(invite.Routes.Select(r => r.ToString())));
        Assert.That(_h.Statistics.ClientNonInviteAlive, Is.EqualTo(1), "the CANCEL is a non-INVITE transaction of its own");
    }

    [Test]
    public void TheCancelRetransmitsOnItsOwnTimersIsAnsweredAndThe487IsAckedAndReported()
    {
        var handle = Invite();
        _h.Receive(ResponseTo(handle.Request, 180));
        handle.Cancel();
        var cancel = _h.Sender.Of("CANCEL").Single().Request;
        _h.Advance(Seconds(0.5));
        Assert.That(_h.Sender.Of("CANCEL"), Has.Count.EqualTo(2), "Timer E of the CANCEL's transaction");

        _h.Receive(ResponseTo(cancel, 200));
        _h.Receive(ResponseTo(handle.Request, 487));

        Assert.That(_h.Sender.Of("ACK"), Has.Count.EqualTo(1));
        Assert.That(_owner.Events, Is.EqualTo(new[] { "180", "487" }));
        _h.Advance(Seconds(10));
        Assert.That(_h.Sender.Of("CANCEL"), Has.Count.EqualTo(2), "answered: no more retransmissions");
        Assert.That(_h.Sender.Of("INVITE"), Has.Count.EqualTo(1));
    }

    [Test]
    public void CancelAfterTheFinalResponseSendsNothing()
    {
        var handle = Invite();
        _h.Receive(ResponseTo(handle.Request, 180));
        _h.Receive(ResponseTo(handle.Request, 200));

        handle.Cancel();
        handle.Cancel();

        Assert.That(_h.Sender.Of("CANCEL"), Is.Empty);
    }

    [Test]
    public void ACancelThatDrawsNoFinalResponseEndsTheInviteAfter64T1()
    {
        var handle = Invite();
        _h.Receive(ResponseTo(handle.Request, 180));
        handle.Cancel();

        _h.Advance(Seconds(31.9));
        Assert.That(_owner.Failures, Is.Empty);
        _h.Advance(Seconds(0.1));

        Assert.That(_owner.Events, Is.EqualTo(new[] { "180", "Timeout" }));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero);
    }

    [Test]
    public void ACancelAskedForFromTheOwnersCallbackIsSentRightAfterIt()
    {
        _owner.OnProvisionalDo = (invite, _) => invite.Cancel();
        var handle = Invite();

        _h.Receive(ResponseTo(handle.Request, 183));

        Assert.That(_h.Sender.Sent.Select(m => m.What), Is.EqualTo(new[] { "INVITE", "CANCEL" }));
    }

    [Test]
    public void ATransportErrorEndsTheInviteAndTellsTheOwner()
    {
        _h.Sender.Result = _ => SipSendResult.ConnectFailed;

        Invite(TcpTarget);

        Assert.That(_owner.Events, Is.EqualTo(new[] { "TransportError" }));
        Assert.That(_owner.Failures[0].StatusCode, Is.EqualTo(503));
        Assert.That(_h.Statistics.ClientInviteAlive, Is.Zero);
    }

    [Test]
    public void WithNoListenerTheOwnerStillHearsOfTheFailure()
    {
        var handle = _h.Layer.SendInvite(Outgoing("INVITE"), new SipTarget(SipTransport.Tls, UdpTarget.EndPoint), _owner);

        Assert.That(_owner.Events, Is.EqualTo(new[] { "TransportError" }));
        Assert.That(_h.Sender.Sent, Is.Empty);
        Assert.That(handle.Request.TopVia!.Host, Is.EqualTo("invalid"));
    }

    [Test]
    public void AnOwnerThatThrowsCostsOnlyItsOwnCallback()
    {
        var thrower = new ThrowingOwner();
        var handle = _h.Layer.SendInvite(Outgoing("INVITE"), UdpTarget, thrower);

        _h.Receive(ResponseTo(handle.Request, 180));
        _h.Receive(ResponseTo(handle.Request, 486));

        Assert.That(thrower.Calls, Is.EqualTo(2));
        Assert.That(_h.Sender.Of("ACK"), Has.Count.EqualTo(1), "the transaction carried on");
    }

    private sealed class ThrowingOwner : ISipInviteOwner
    {
        public int Calls { get; private set; }

        public void OnProvisional(SipClientInvite invite, SipResponse response) => Throw();

        public void OnSuccess(SipClientInvite invite, SipResponse response) => Throw();

        public void OnFailure(SipClientInvite invite, SipClientResult result) => Throw();

        private void Throw()
        {
            Calls++;
            throw new InvalidOperationException("owner bug");
        }
    }
}
