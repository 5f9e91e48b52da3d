using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using static CallCenter.Tests.Unit.Sip.Dialogs.DialogFlows;

namespace CallCenter.Tests.Unit.Sip.Dialogs;

public sealed class SipDialogRequestTests
{
    [Test]
    public void AliceAcksTheTwoHundredThroughBothLooseRoutersWithTheInviteNumber()
    {
        var alice = Uac(AliceInvite, AliceReceivesOk);

        var ack = Finish(alice.CreateAck(2));

        Assert.Multiple(() =>
        {
            Assert.That(ack.Method, Is.EqualTo("ACK"));
            Assert.That(ack.RequestUri.ToString(), Is.EqualTo("sip:bob@client.biloxi.example.com;transport=tcp"));
            Assert.That(ack.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "<sip:ss1.atlanta.example.com;lr>", "<sip:ss2.biloxi.example.com;lr>" }));
            Assert.That(ack.CSeq, Is.EqualTo(new SipCSeq(2, "ACK")));
            Assert.That(ack.From!.Tag, Is.EqualTo(AliceTag));
            Assert.That(ack.To!.Tag, Is.EqualTo(BobTag));
            Assert.That(ack.CallId, Is.EqualTo(CallId));
            Assert.That(ack.MaxForwards, Is.EqualTo(70));
            Assert.That(alice.LocalSequence, Is.EqualTo(2u), "an ACK does not advance the local sequence");
        });
    }

    [Test]
    public void BobsByeGoesToAlicesContactThroughTheRoutersInRecordRouteOrder()
    {
        var bob = Uas(BobReceivesInvite, 200);

        var bye = Finish(bob.CreateRequest("BYE"));

        Assert.Multiple(() =>
        {
            Assert.That(bye.RequestUri.ToString(), Is.EqualTo("sip:alice@client.atlanta.example.com;transport=tcp"));
            Assert.That(bye.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "<sip:ss2.biloxi.example.com;lr>", "<sip:ss1.atlanta.example.com;lr>" }));
            Assert.That(bye.From!.ToString(), Does.StartWith("\"Bob\" <sip:bob@biloxi.example.com>").And.EndWith(";tag=314159"));
            Assert.That(bye.To!.ToString(), Is.EqualTo("Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl"));
            Assert.That(bye.CSeq!.Value.Method, Is.EqualTo("BYE"));
            Assert.That(bye.CSeq.Value.Number, Is.InRange(1u, (uint)int.MaxValue), "§8.1.1.5: a first CSeq below 2^31");
            Assert.That(bob.LocalSequence, Is.EqualTo(bye.CSeq.Value.Number));
        });
    }

    [Test]
    public void WithoutARouteSetTheRequestGoesStraightToTheRemoteTarget()
    {
        // RFC 3261 §24.2: neither proxy record-routed, so Alice's ACK (F12) and Bob's BYE (F13)
        // go directly to the other's Contact with no Route header.
        var alice = Uac(Rfc3261Invite, Rfc3261AliceReceivesOk);
        var bob = Uas(Rfc3261BobReceivesInvite, 200);

        var ack = Finish(alice.CreateAck(314159));
        var bye = Finish(bob.CreateRequest("BYE"));

        Assert.Multiple(() =>
        {
            Assert.That(ack.RequestUri.ToString(), Is.EqualTo("sip:bob@192.0.2.4"));
            Assert.That(ack.CSeq, Is.EqualTo(new SipCSeq(314159, "ACK")));
            Assert.That(ack.HasHeader("Route"), Is.False);
            Assert.That(bye.RequestUri.ToString(), Is.EqualTo("sip:alice@pc33.atlanta.com"));
            Assert.That(bye.HasHeader("Route"), Is.False);
            Assert.That(bye.To!.Tag, Is.EqualTo("1928301774"));
        });
    }

    [Test]
    public void StrictFirstRouteBecomesTheRequestUriAndTheRemoteTargetGoesLast()
    {
        // The example of §12.2.1.1: route set <sip:proxy1>, <sip:proxy2>, <sip:proxy3;lr>,
        // <sip:proxy4> and remote target sip:user@remoteua.
        var invite = Request(BobReceivesInvite
            .Replace("Record-Route: <sip:ss2.biloxi.example.com;lr>\r\nRecord-Route: <sip:ss1.atlanta.example.com;lr>\r\n",
                "Record-Route: <sip:proxy1>, <sip:proxy2>\r\nRecord-Route: <sip:proxy3;lr>, <sip:proxy4>\r\n", StringComparison.Ordinal)
            .Replace("<sip:alice@client.atlanta.example.com;transport=tcp>", "<sip:user@remoteua>", StringComparison.Ordinal));
        Assert.That(SipDialog.TryCreateUas(invite, BobTag, 200, false, out var dialog, out var reason), Is.True, reason);

        var request = Finish(dialog!.CreateRequest("INFO"));

        Assert.That(request.RequestUri.ToString(), Is.EqualTo("sip:proxy1"));
        Assert.That(request.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "<sip:proxy2>", "<sip:proxy3;lr>", "<sip:proxy4>", "<sip:user@remoteua>" }));
    }

    [Test]
    public void UacWithAStrictRouterNearestItPutsThatRouterInTheRequestUri()
    {
        // ss1 (nearest Alice, last in the Record-Route) is an RFC 2543 router without ";lr".
        var ok = Response(AliceReceivesOk.Replace(" <sip:ss1.atlanta.example.com;lr>", " <sip:ss1.atlanta.example.com;method=INVITE;transport=tcp>", StringComparison.Ordinal));
        var alice = Uac(AliceInvite, ok);

        var bye = Finish(alice.CreateRequest("BYE"));

        Assert.That(bye.RequestUri.ToString(), Is.EqualTo("sip:ss1.atlanta.example.com;transport=tcp"), "§19.1.1: no method parameter in a Request-URI");
        Assert.That(bye.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "<sip:ss2.biloxi.example.com;lr>", "<sip:bob@client.biloxi.example.com;transport=tcp>" }));
    }

    [Test]
    public void EachRequestTakesTheNextNumberAndAckAndCancelTakeTheInvites()
    {
        var alice = Uac(AliceInvite, AliceReceivesOk);

        var info = Finish(alice.CreateRequest("INFO"));
        var reInvite = Finish(alice.CreateRequest("INVITE"));
        var reInviteOk = ToAlice(200, 4, "INVITE", contact: "<sip:bob@client.biloxi.example.com;transport=tcp>");
        Assert.That(alice.OnResponse(reInviteOk), Is.True);
        var ack = Finish(alice.CreateAck(reInvite.CSeq!.Value.Number));
        var bye = Finish(alice.CreateRequest("BYE"));

        Assert.Multiple(() =>
        {
            Assert.That(info.CSeq, Is.EqualTo(new SipCSeq(3, "INFO")));
            Assert.That(reInvite.CSeq, Is.EqualTo(new SipCSeq(4, "INVITE")));
            Assert.That(ack.CSeq, Is.EqualTo(new SipCSeq(4, "ACK")));
            Assert.That(bye.CSeq, Is.EqualTo(new SipCSeq(5, "BYE")));
            Assert.That(alice.LocalSequence, Is.EqualTo(5u));
        });
        Assert.Throws<ArgumentException>(() => alice.CreateRequest("ACK"));
        Assert.Throws<ArgumentException>(() => alice.CreateRequest("CANCEL"));
    }

    [Test]
    public void CancelCopiesTheInvitesRoutingAndNumberWithOneVia()
    {
        var invite = SipMessageBuilder.From(Request(AliceInvite))
            .AddHeaderFirst("Route", "<sip:ss1.atlanta.example.com;lr>")
            .AddHeader("Via", "SIP/2.0/TCP second.example.com;branch=z9hG4bKsecond")
            .BuildRequest();

        var cancel = SipDialog.CreateCancel(invite).BuildRequest();

        Assert.Multiple(() =>
        {
            Assert.That(cancel.Method, Is.EqualTo("CANCEL"));
            Assert.That(cancel.RequestUri, Is.EqualTo(invite.RequestUri));
            Assert.That(cancel.CSeq, Is.EqualTo(new SipCSeq(2, "CANCEL")));
            Assert.That(cancel.Vias.Select(v => v.Branch), Is.EqualTo(new[] { "z9hG4bK74bf9" }));
            Assert.That(cancel.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "<sip:ss1.atlanta.example.com;lr>" }));
            Assert.That(cancel.From!.ToString(), Is.EqualTo(invite.From!.ToString()));
            Assert.That(cancel.To!.ToString(), Is.EqualTo(invite.To!.ToString()));
            Assert.That(cancel.CallId, Is.EqualTo(invite.CallId));
        });
        Assert.Throws<ArgumentException>(() => SipDialog.CreateCancel(Request(AliceReceivesBye)));
    }

    [Test]
    public void TheCalleeCannotByeAnEarlyDialogAndNobodyCanUseATerminatedOne()
    {
        var bob = Uas(BobReceivesInvite, 180);
        Assert.Throws<InvalidOperationException>(() => bob.CreateRequest("BYE"));
        Assert.That(bob.LocalSequence, Is.Null, "a refused request takes no number");

        var alice = Uac(AliceInvite, AliceReceivesRinging);
        Assert.That(Finish(alice.CreateRequest("BYE")).CSeq, Is.EqualTo(new SipCSeq(3, "BYE")), "§15: the caller may BYE an early dialog");

        alice.Terminate();
        Assert.Throws<InvalidOperationException>(() => alice.CreateRequest("INFO"));
        Assert.That(Finish(alice.CreateAck(2)).Method, Is.EqualTo("ACK"), "a late 2xx is still ACKed");
    }

    [Test]
    public void ASecondInviteCannotStartWhileOneIsInProgress()
    {
        var alice = Uac(AliceInvite, AliceReceivesOk);
        alice.CreateRequest("INVITE");

        Assert.That(alice.IsInviteInProgress, Is.True);
        Assert.Throws<InvalidOperationException>(() => alice.CreateRequest("INVITE"));

        alice.OnResponse(ToAlice(488, 3, "INVITE"));
        Assert.That(alice.IsInviteInProgress, Is.False);
        Assert.That(alice.State, Is.EqualTo(SipDialogState.Confirmed), "a failed re-INVITE leaves the dialog up");
        Assert.That(Finish(alice.CreateRequest("INVITE")).CSeq, Is.EqualTo(new SipCSeq(4, "INVITE")));
    }
}
