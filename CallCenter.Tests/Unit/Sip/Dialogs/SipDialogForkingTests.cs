using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using static CallCenter.Tests.Unit.Sip.Dialogs.DialogFlows;

namespace CallCenter.Tests.Unit.Sip.Dialogs;

// Alice's INVITE forked by ss2 to Bob's desk phone and mobile: each answering branch has its own
// To-tag and so its own dialog (§12.1.2, §13.2.2.4).
public sealed class SipDialogForkingTests
{
    private const string Desk = "desk-1";
    private const string Mobile = "mobile-2";
    private const string BothRoutes = "<sip:ss2.biloxi.example.com;lr>, <sip:ss1.atlanta.example.com;lr>";

    [Test]
    public void TwoToTagsMakeTwoEarlyDialogsAndTheTwoHundredConfirmsOnlyItsOwn()
    {
        var table = new SipDialogTable<SipDialog>();
        var invite = Request(AliceInvite);
        var deskRinging = ToAlice(180, 2, "INVITE", Desk, "<sip:bob@desk.biloxi.example.com>", BothRoutes);
        var mobileRinging = ToAlice(180, 2, "INVITE", Mobile, "<sip:bob@mobile.biloxi.example.com>", BothRoutes);

        var desk = Receive(table, invite, deskRinging);
        var mobile = Receive(table, invite, mobileRinging);
        Assert.That(Receive(table, invite, deskRinging), Is.SameAs(desk), "a second 180 from the desk is the same dialog");

        Assert.That(table.Count, Is.EqualTo(2));
        Assert.That(desk.Id, Is.Not.EqualTo(mobile.Id));
        Assert.That(mobile.RemoteTarget.Host, Is.EqualTo("mobile.biloxi.example.com"));

        var deskOk = ToAlice(200, 2, "INVITE", Desk, "<sip:bob@desk.biloxi.example.com>", BothRoutes);
        Assert.That(table.TryMatch(deskOk, out var owner), Is.True);
        Assert.That(owner, Is.SameAs(desk));
        Assert.That(desk.OnResponse(deskOk), Is.True);
        Assert.That(mobile.OnResponse(deskOk), Is.False, "the desk's 2xx is not the mobile's");

        Assert.That(desk.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(mobile.State, Is.EqualTo(SipDialogState.Early));

        // ss2 cancels the mobile branch and absorbs its 487, so Alice never sees a final response
        // for it: her side ends the early dialog when the INVITE transaction ends.
        mobile.Terminate();
        Assert.That(table.TryRemove(mobile.Id, mobile), Is.True);
        Assert.That(mobile.State, Is.EqualTo(SipDialogState.Terminated));
        Assert.That(table.Count, Is.EqualTo(1));
        Assert.That(desk.OnResponse(deskOk), Is.True, "a retransmitted 2xx still belongs to the desk dialog (to be ACKed again)");
        Assert.That(desk.State, Is.EqualTo(SipDialogState.Confirmed));
    }

    [Test]
    public void AFailureFinalResponseEndsEveryEarlyDialogOfTheInvite()
    {
        var invite = Request(AliceInvite);
        var desk = Uac(AliceInvite, ToAlice(180, 2, "INVITE", Desk, "<sip:bob@desk.biloxi.example.com>"));
        var mobile = Uac(AliceInvite, ToAlice(183, 2, "INVITE", Mobile, "<sip:bob@mobile.biloxi.example.com>"));
        var busy = ToAlice(486, 2, "INVITE", "voicemail-off-3");

        // §12.3: the 486 carries a third branch's tag, yet it ends both early dialogs.
        Assert.That(desk.OnResponse(busy), Is.True);
        Assert.That(mobile.OnResponse(busy), Is.True);

        Assert.That(desk.State, Is.EqualTo(SipDialogState.Terminated));
        Assert.That(mobile.State, Is.EqualTo(SipDialogState.Terminated));
        Assert.That(desk.IsInviteInProgress, Is.False);
        Assert.That(invite.CSeq!.Value.Number, Is.EqualTo(desk.CreatingSequence));
    }

    [Test]
    public void AFailureAfterTheTwoHundredDoesNotEndAConfirmedDialog()
    {
        var desk = Uac(AliceInvite, ToAlice(200, 2, "INVITE", Desk, "<sip:bob@desk.biloxi.example.com>"));

        Assert.That(desk.OnResponse(ToAlice(487, 2, "INVITE", Mobile)), Is.False);
        Assert.That(desk.State, Is.EqualTo(SipDialogState.Confirmed));
    }

    [Test]
    public void TheTwoHundredRecomputesTheRouteSetAndTargetOfTheEarlyDialog()
    {
        // Only ss1 record-routed the 180; by the 200 ss2 had joined too and Bob had a new Contact.
        var ringing = ToAlice(180, 2, "INVITE", BobTag, "<sip:bob@early.biloxi.example.com>", "<sip:ss1.atlanta.example.com;lr>");
        var ok = Response(AliceReceivesOk);
        var alice = Uac(AliceInvite, ringing);
        Assert.That(alice.RouteSet.Select(u => u.Host), Is.EqualTo(new[] { "ss1.atlanta.example.com" }));

        Assert.That(alice.OnResponse(ok), Is.True);

        Assert.That(alice.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(alice.RouteSet.Select(u => u.Host), Is.EqualTo(new[] { "ss1.atlanta.example.com", "ss2.biloxi.example.com" }));
        Assert.That(alice.RemoteTarget.ToString(), Is.EqualTo("sip:bob@client.biloxi.example.com;transport=tcp"));
        Assert.That(alice.IsInviteInProgress, Is.False);
        var ack = Finish(alice.CreateAck(alice.CreatingSequence));
        Assert.That(ack.Routes.Select(r => r.ToString()), Is.EqualTo(new[] { "<sip:ss1.atlanta.example.com;lr>", "<sip:ss2.biloxi.example.com;lr>" }));
    }

    [Test]
    public void ALaterProvisionalResponseDoesNotTouchTheRouteSet()
    {
        var alice = Uac(AliceInvite, AliceReceivesRinging);

        Assert.That(alice.OnResponse(ToAlice(183, 2, "INVITE", BobTag, "<sip:bob@other.example.com>", "<sip:x.example.com;lr>")), Is.True);

        Assert.That(alice.State, Is.EqualTo(SipDialogState.Early));
        Assert.That(alice.RouteSet.Select(u => u.Host), Is.EqualTo(new[] { "ss1.atlanta.example.com", "ss2.biloxi.example.com" }));
    }

    // What the owner does with each dialog-creating response: find its dialog, or make one.
    private static SipDialog Receive(SipDialogTable<SipDialog> table, SipRequest invite, SipResponse response)
    {
        if (table.TryMatch(response, out var existing))
        {
            existing.OnResponse(response);
            return existing;
        }

        Assert.That(SipDialog.TryCreateUac(invite, response, false, out var dialog, out var reason), Is.True, reason);
        Assert.That(table.TryAdd(dialog!.Id, dialog), Is.True);
        return dialog;
    }
}
