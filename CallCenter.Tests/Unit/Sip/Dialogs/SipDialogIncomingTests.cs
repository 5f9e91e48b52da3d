using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using static CallCenter.Tests.Unit.Sip.Dialogs.DialogFlows;

namespace CallCenter.Tests.Unit.Sip.Dialogs;

public sealed class SipDialogIncomingTests
{
    private const string NewAliceContact = "<sip:alice@192.0.2.201;transport=tcp>";

    [Test]
    public void ARequestBelowTheRemoteSequenceGetsFiveHundredAndChangesNothing()
    {
        var bob = Uas(BobReceivesInvite, 200);

        Assert.That(bob.OnRequest(FromAlice("INFO", 5)), Is.Null);
        var rejection = bob.OnRequest(FromAlice("INFO", 4));

        Assert.That(rejection, Is.EqualTo(SipDialogRejection.OutOfOrder));
        Assert.That(rejection!.Value.StatusCode, Is.EqualTo(500));
        Assert.That(rejection.Value.ReasonPhrase, Is.EqualTo("Server Internal Error"));
        Assert.That(rejection.Value.RetryAfterSeconds, Is.Null);
        Assert.That(bob.RemoteSequence, Is.EqualTo(5u));
        Assert.That(bob.OnRequest(FromAlice("INFO", 5)), Is.Null, "an equal number is not out of order");
    }

    [Test]
    public void TheFirstRequestFromTheCalleeSetsTheUacsEmptyRemoteSequence()
    {
        var alice = Uac(AliceInvite, AliceReceivesOk);
        Assert.That(alice.RemoteSequence, Is.Null);

        Assert.That(alice.OnRequest(Request(AliceReceivesBye)), Is.Null);

        Assert.That(alice.RemoteSequence, Is.EqualTo(1u));
        Assert.That(alice.State, Is.EqualTo(SipDialogState.Terminated), "§15.1.2: BYE ends the dialog");
        Assert.That(alice.OnRequest(Request(AliceReceivesBye)), Is.EqualTo(SipDialogRejection.DoesNotExist), "a terminated dialog knows no requests");
    }

    [Test]
    public void AReInviteMovesTheRemoteTargetOnlyWhenItsTwoHundredIsSent()
    {
        var bob = Uas(BobReceivesInvite, 200);
        Assert.That(bob.OnAck(FromAlice("ACK", 2)), Is.True);

        var reInvite = FromAlice("INVITE", 3, NewAliceContact);
        Assert.That(bob.OnRequest(reInvite), Is.Null);
        Assert.That(bob.RemoteTarget.ToString(), Is.EqualTo("sip:alice@client.atlanta.example.com;transport=tcp"), "not before the 2xx (§12.2.2: requests are atomic)");

        bob.OnResponseSent(reInvite, 200);

        Assert.That(bob.RemoteTarget.ToString(), Is.EqualTo("sip:alice@192.0.2.201;transport=tcp"));
        Assert.That(bob.IsAwaitingAck, Is.True);
        Assert.That(Finish(bob.CreateRequest("BYE")).RequestUri.ToString(), Is.EqualTo("sip:alice@192.0.2.201;transport=tcp"));
    }

    [Test]
    public void ARefusedReInviteLeavesTheRemoteTargetAndTheDialogAlone()
    {
        var bob = Uas(BobReceivesInvite, 200);
        var reInvite = FromAlice("INVITE", 3, NewAliceContact);
        Assert.That(bob.OnRequest(reInvite), Is.Null);

        bob.OnResponseSent(reInvite, 488);

        Assert.That(bob.RemoteTarget.ToString(), Is.EqualTo("sip:alice@client.atlanta.example.com;transport=tcp"));
        Assert.That(bob.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(bob.IsInviteInProgress, Is.False);
    }

    [Test]
    public void UpdateIsATargetRefreshAndInfoIsNot()
    {
        var bob = Uas(BobReceivesInvite, 200);
        Assert.That(bob.OnAck(FromAlice("ACK", 2)), Is.True);
        var info = FromAlice("INFO", 3, "<sip:alice@198.51.100.1>");
        bob.OnRequest(info);
        bob.OnResponseSent(info, 200);
        Assert.That(bob.RemoteTarget.ToString(), Is.EqualTo("sip:alice@client.atlanta.example.com;transport=tcp"));

        var update = FromAlice("UPDATE", 4, NewAliceContact);
        bob.OnRequest(update);
        bob.OnResponseSent(update, 200);
        Assert.That(bob.RemoteTarget.ToString(), Is.EqualTo("sip:alice@192.0.2.201;transport=tcp"));
        Assert.That(bob.IsAwaitingAck, Is.False, "only a 2xx to INVITE is ACKed");
    }

    [Test]
    public void AnAckBelowTheRemoteSequenceIsStillTheAckForTheInvite()
    {
        // INVITE 2 answered with a 183, UPDATE 3 during the INVITE, then the 200 and its ACK 2.
        var invite = Request(BobReceivesInvite);
        SipDialog.TryCreateUas(invite, BobTag, 183, false, out var bob, out _);
        var update = FromAlice("UPDATE", 3);
        Assert.That(bob!.OnRequest(update), Is.Null);
        bob.OnResponseSent(update, 200);
        bob.OnResponseSent(invite, 200);

        Assert.That(bob.OnAck(FromAlice("ACK", 2)), Is.True);
        Assert.That(bob.OnAck(FromAlice("ACK", 2)), Is.False, "a retransmitted ACK");
        Assert.That(bob.RemoteSequence, Is.EqualTo(3u));
        Assert.That(bob.IsAwaitingAck, Is.False);
    }

    [Test]
    public void AnInviteDuringOurOwnInviteIsGlareAndGets491()
    {
        var alice = Uac(AliceInvite, AliceReceivesOk);
        alice.CreateRequest("INVITE");
        var bobsInvite = Request(AliceReceivesBye.Replace("BYE", "INVITE", StringComparison.Ordinal)
            .Replace("CSeq: 1 INVITE", "CSeq: 7 INVITE\r\nContact: <sip:bob@client.biloxi.example.com;transport=tcp>", StringComparison.Ordinal));

        Assert.That(alice.OnRequest(bobsInvite), Is.EqualTo(SipDialogRejection.RequestPending));

        alice.OnResponse(ToAlice(491, 3, "INVITE"));
        Assert.That(alice.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(alice.OnRequest(bobsInvite), Is.Null, "no INVITE of ours is in progress any more");
    }

    [Test]
    public void ASecondInviteFromThePeerBeforeTheFirstIsAnsweredGets500WithRetryAfter()
    {
        var bob = Uas(BobReceivesInvite, 200);
        Assert.That(bob.OnRequest(FromAlice("INVITE", 3)), Is.Null);

        var rejection = bob.OnRequest(FromAlice("INVITE", 4));

        Assert.That(rejection, Is.Not.Null);
        Assert.That(rejection!.Value.StatusCode, Is.EqualTo(500));
        Assert.That(rejection.Value.RetryAfterSeconds, Is.InRange(0, 10));
        var response = rejection.Value.AddRetryAfter(SipMessageBuilder.ForResponse(FromAlice("INVITE", 4), rejection.Value.StatusCode, rejection.Value.ReasonPhrase)).BuildResponse();
        Assert.That(response.GetHeaderValue("Retry-After"), Is.EqualTo(rejection.Value.RetryAfterSeconds!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void ARequestWithAnotherDialogsTagsGets481()
    {
        var bob = Uas(BobReceivesInvite, 200);
        var stray = Request(FromAlice("INFO", 9).ToString().Replace(";tag=314159", ";tag=somebody-else", StringComparison.Ordinal));

        Assert.That(bob.OnRequest(stray), Is.EqualTo(SipDialogRejection.DoesNotExist));
        Assert.That(bob.RemoteSequence, Is.EqualTo(2u));
        var strayAck = Request(stray.ToString().Replace("INFO", "ACK", StringComparison.Ordinal));
        Assert.That(bob.OnAck(strayAck), Is.False);
        Assert.Throws<ArgumentException>(() => bob.OnRequest(FromAlice("ACK", 2)));
    }

    [Test]
    public void A481Or408ToOurRequestEndsTheDialogAndTheByesFinalResponseToo()
    {
        var a = Uac(AliceInvite, AliceReceivesOk);
        a.CreateRequest("INFO");
        Assert.That(a.OnResponse(ToAlice(481, 3, "INFO")), Is.True);
        Assert.That(a.State, Is.EqualTo(SipDialogState.Terminated));

        var b = Uac(AliceInvite, AliceReceivesOk);
        b.CreateRequest("OPTIONS");
        b.OnResponse(ToAlice(408, 3, "OPTIONS"));
        Assert.That(b.State, Is.EqualTo(SipDialogState.Terminated));

        var c = Uac(AliceInvite, AliceReceivesOk);
        c.CreateRequest("INFO");
        c.OnResponse(ToAlice(415, 3, "INFO"));
        Assert.That(c.State, Is.EqualTo(SipDialogState.Confirmed), "other failures leave the dialog up");
        c.CreateRequest("BYE");
        c.OnResponse(ToAlice(200, 4, "BYE"));
        Assert.That(c.State, Is.EqualTo(SipDialogState.Terminated));
    }

    [Test]
    public void OurReInvitesTwoHundredMovesTheRemoteTargetButNotTheRouteSet()
    {
        var alice = Uac(AliceInvite, AliceReceivesOk);
        alice.CreateRequest("INVITE");

        alice.OnResponse(ToAlice(200, 3, "INVITE", contact: "<sip:bob@192.0.2.100;transport=tcp>", recordRoute: "<sip:elsewhere.example.com;lr>"));

        Assert.That(alice.RemoteTarget.ToString(), Is.EqualTo("sip:bob@192.0.2.100;transport=tcp"));
        Assert.That(alice.RouteSet.Select(u => u.Host), Is.EqualTo(new[] { "ss1.atlanta.example.com", "ss2.biloxi.example.com" }));
    }
}
