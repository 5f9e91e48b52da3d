using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using static CallCenter.Tests.Unit.Sip.Dialogs.DialogFlows;

namespace CallCenter.Tests.Unit.Sip.Dialogs;

public sealed class SipDialogCreationTests
{
    [Test]
    public void UasDialogFromTheRingingBobSendsKeepsTheRecordRouteInOrder()
    {
        var invite = Request(BobReceivesInvite);

        Assert.That(SipDialog.TryCreateUas(invite, BobTag, 180, overTls: false, out var dialog, out var reason), Is.True, reason);

        Assert.Multiple(() =>
        {
            Assert.That(dialog!.Role, Is.EqualTo(SipDialogRole.Uas));
            Assert.That(dialog.State, Is.EqualTo(SipDialogState.Early));
            Assert.That(dialog.Id, Is.EqualTo(new SipDialogId(CallId, BobTag, AliceTag)));
            Assert.That(dialog.RouteSet.Select(u => u.ToString()), Is.EqualTo(new[] { "sip:ss2.biloxi.example.com;lr", "sip:ss1.atlanta.example.com;lr" }));
            Assert.That(dialog.RemoteTarget.ToString(), Is.EqualTo("sip:alice@client.atlanta.example.com;transport=tcp"));
            Assert.That(dialog.RemoteSequence, Is.EqualTo(2u));
            Assert.That(dialog.LocalSequence, Is.Null, "§12.1.1: a UAS starts with an empty local sequence number");
            Assert.That(dialog.LocalParty.DisplayName, Is.EqualTo("Bob"));
            Assert.That(dialog.LocalUri.ToString(), Is.EqualTo("sip:bob@biloxi.example.com"));
            Assert.That(dialog.LocalParty.Tag, Is.EqualTo(BobTag));
            Assert.That(dialog.RemoteParty.Tag, Is.EqualTo(AliceTag));
            Assert.That(dialog.RemoteUri.ToString(), Is.EqualTo("sip:alice@atlanta.example.com"));
            Assert.That(dialog.IsSecure, Is.False);
            Assert.That(dialog.IsInviteInProgress, Is.True, "the INVITE has no final response yet");
            Assert.That(dialog.CreatingMethod, Is.EqualTo("INVITE"));
            Assert.That(dialog.CreatingSequence, Is.EqualTo(2u));
        });
    }

    [Test]
    public void UasDialogIsConfirmedWhenTheTwoHundredGoesOutAndThenAwaitsTheAck()
    {
        var invite = Request(BobReceivesInvite);
        SipDialog.TryCreateUas(invite, BobTag, 180, false, out var dialog, out _);

        dialog!.OnResponseSent(invite, 200);

        Assert.That(dialog.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(dialog.IsInviteInProgress, Is.False);
        Assert.That(dialog.IsAwaitingAck, Is.True);
    }

    [Test]
    public void UasDialogCreatedFromTheResponseMessageTakesItsTagAndStatus()
    {
        var invite = Request(BobReceivesInvite);
        var ok = SipMessageBuilder.ForResponse(invite, 200, toTag: "bob-ok")
            .AddHeader("Contact", "<sip:bob@client.biloxi.example.com;transport=tcp>")
            .BuildResponse();

        Assert.That(SipDialog.TryCreateUas(invite, ok, false, out var dialog, out var reason), Is.True, reason);
        Assert.That(dialog!.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(dialog.Id.LocalTag, Is.EqualTo("bob-ok"));
        Assert.That(dialog.IsAwaitingAck, Is.True);
        Assert.That(dialog.IsInviteInProgress, Is.False);
    }

    [Test]
    public void UasEarlyDialogEndsWhenANonSuccessFinalResponseGoesOut()
    {
        var invite = Request(BobReceivesInvite);
        SipDialog.TryCreateUas(invite, BobTag, 183, false, out var dialog, out _);

        dialog!.OnResponseSent(invite, 486);

        Assert.That(dialog.State, Is.EqualTo(SipDialogState.Terminated));
        Assert.That(dialog.IsInviteInProgress, Is.False);
    }

    [Test]
    public void UasRefusesAnInviteWithoutContactOrWithAToTagOrWithAnInsecureContactForSips()
    {
        var noContact = Request(BobReceivesInvite.Replace("Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n", string.Empty, StringComparison.Ordinal));
        var withTag = Request(BobReceivesInvite.Replace("To: Bob <sip:bob@biloxi.example.com>", "To: Bob <sip:bob@biloxi.example.com>;tag=x", StringComparison.Ordinal));
        var sips = Request(BobReceivesInvite.Replace("INVITE sip:bob@", "INVITE sips:bob@", StringComparison.Ordinal));
        var telContact = Request(BobReceivesInvite.Replace("Contact: <sip:alice@client.atlanta.example.com;transport=tcp>", "Contact: <tel:+15551234567>", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(SipDialog.TryCreateUas(noContact, BobTag, 180, false, out _, out var r1), Is.False);
            Assert.That(r1, Does.Contain("Contact"));
            Assert.That(SipDialog.TryCreateUas(withTag, BobTag, 180, false, out _, out var r2), Is.False);
            Assert.That(r2, Does.Contain("To-tag"));
            Assert.That(SipDialog.TryCreateUas(sips, BobTag, 180, true, out _, out var r3), Is.False);
            Assert.That(r3, Does.Contain("SIPS"));
            Assert.That(SipDialog.TryCreateUas(telContact, BobTag, 180, false, out _, out _), Is.False);
        });
    }

    [Test]
    public void SecureFlagNeedsBothASipsRequestUriAndTls()
    {
        var sips = Request(BobReceivesInvite
            .Replace("INVITE sip:bob@", "INVITE sips:bob@", StringComparison.Ordinal)
            .Replace("<sip:alice@client.atlanta.example.com;transport=tcp>", "<sips:alice@client.atlanta.example.com>", StringComparison.Ordinal));
        var sip = Request(BobReceivesInvite);

        Assert.Multiple(() =>
        {
            Assert.That(Create(sips, overTls: true).IsSecure, Is.True);
            Assert.That(Create(sips, overTls: false).IsSecure, Is.False);
            Assert.That(Create(sip, overTls: true).IsSecure, Is.False);
        });

        static SipDialog Create(SipRequest request, bool overTls)
        {
            Assert.That(SipDialog.TryCreateUas(request, BobTag, 200, overTls, out var dialog, out var reason), Is.True, reason);
            return dialog!;
        }
    }

    [Test]
    public void UasDialogWithAnRfc2543PeerHasAnEmptyRemoteTag()
    {
        var invite = Request(Rfc3261BobReceivesInvite.Replace(";tag=1928301774", string.Empty, StringComparison.Ordinal));

        Assert.That(SipDialog.TryCreateUas(invite, "a6c85cf", 200, false, out var dialog, out _), Is.True);
        Assert.That(dialog!.Id.RemoteTag, Is.Empty);
        Assert.That(dialog.RouteSet, Is.Empty);
    }

    [Test]
    public void UasCreationRejectsStatusesAndMethodsThatMakeNoDialog()
    {
        var invite = Request(BobReceivesInvite);
        var options = Request(BobReceivesInvite.Replace("INVITE", "OPTIONS", StringComparison.Ordinal));

        Assert.Throws<ArgumentOutOfRangeException>(() => SipDialog.TryCreateUas(invite, BobTag, 100, false, out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => SipDialog.TryCreateUas(invite, BobTag, 486, false, out _, out _));
        Assert.Throws<ArgumentException>(() => SipDialog.TryCreateUas(options, BobTag, 200, false, out _, out _));
    }

    [Test]
    public void UacDialogFromTheRingingAliceReceivesReversesTheRecordRoute()
    {
        Assert.That(SipDialog.TryCreateUac(Request(AliceInvite), Response(AliceReceivesRinging), overTls: false, out var dialog, out var reason), Is.True, reason);

        Assert.Multiple(() =>
        {
            Assert.That(dialog!.Role, Is.EqualTo(SipDialogRole.Uac));
            Assert.That(dialog.State, Is.EqualTo(SipDialogState.Early));
            Assert.That(dialog.Id, Is.EqualTo(new SipDialogId(CallId, AliceTag, BobTag)));
            Assert.That(dialog.RouteSet.Select(u => u.ToString()), Is.EqualTo(new[] { "sip:ss1.atlanta.example.com;lr", "sip:ss2.biloxi.example.com;lr" }));
            Assert.That(dialog.RemoteTarget.ToString(), Is.EqualTo("sip:bob@client.biloxi.example.com;transport=tcp"));
            Assert.That(dialog.LocalSequence, Is.EqualTo(2u));
            Assert.That(dialog.RemoteSequence, Is.Null, "§12.1.2: a UAC starts with an empty remote sequence number");
            Assert.That(dialog.LocalParty.Tag, Is.EqualTo(AliceTag));
            Assert.That(dialog.RemoteParty.ToString(), Is.EqualTo("Bob <sip:bob@biloxi.example.com>;tag=314159"));
            Assert.That(dialog.IsInviteInProgress, Is.True);
        });
    }

    [Test]
    public void UacDialogFromATwoHundredIsConfirmed()
    {
        Assert.That(SipDialog.TryCreateUac(Request(Rfc3261Invite), Response(Rfc3261AliceReceivesOk), false, out var dialog, out var reason), Is.True, reason);

        Assert.That(dialog!.State, Is.EqualTo(SipDialogState.Confirmed));
        Assert.That(dialog.RouteSet, Is.Empty);
        Assert.That(dialog.RemoteTarget.ToString(), Is.EqualTo("sip:bob@192.0.2.4"));
        Assert.That(dialog.LocalSequence, Is.EqualTo(314159u));
        Assert.That(dialog.IsInviteInProgress, Is.False);
    }

    [Test]
    public void UacDialogFromATwoHundredAloneIsTheOneTheInviteAndTheTwoHundredMake()
    {
        var ok = Response(AliceReceivesOk);
        Assert.That(SipDialog.TryCreateUac(Request(AliceInvite), ok, false, out var expected, out var reason), Is.True, reason);

        Assert.That(SipDialog.TryCreateUacFromAnswer(ok, out var dialog, out reason), Is.True, reason);

        Assert.Multiple(() =>
        {
            Assert.That(dialog!.Id, Is.EqualTo(expected!.Id));
            Assert.That(dialog.State, Is.EqualTo(SipDialogState.Confirmed));
            Assert.That(dialog.RouteSet.Select(u => u.ToString()), Is.EqualTo(expected.RouteSet.Select(u => u.ToString())), "the Record-Route reversed");
            Assert.That(dialog.RemoteTarget.ToString(), Is.EqualTo(expected.RemoteTarget.ToString()));
            Assert.That(dialog.LocalSequence, Is.EqualTo(expected.LocalSequence));
            Assert.That(dialog.LocalParty.ToString(), Is.EqualTo(expected.LocalParty.ToString()));
            Assert.That(dialog.RemoteParty.ToString(), Is.EqualTo(expected.RemoteParty.ToString()));
        });
    }

    [Test]
    public void UacDialogFromAResponseAloneNeedsATwoHundredToAnInviteWithTagsAndAContact()
    {
        var ringing = Response(AliceReceivesRinging);
        var noContact = Response(AliceReceivesOk.Replace("Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\r\n", string.Empty, StringComparison.Ordinal));
        var noTag = Response(AliceReceivesOk.Replace(";tag=314159", string.Empty, StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(SipDialog.TryCreateUacFromAnswer(ringing, out _, out var r1), Is.False);
            Assert.That(r1, Does.Contain("2xx"));
            Assert.That(SipDialog.TryCreateUacFromAnswer(noContact, out _, out var r2), Is.False);
            Assert.That(r2, Does.Contain("Contact"));
            Assert.That(SipDialog.TryCreateUacFromAnswer(noTag, out _, out var r3), Is.False);
            Assert.That(r3, Does.Contain("To-tag"));
        });
    }

    [Test]
    public void UacRefusesResponsesThatMakeNoDialog()
    {
        var invite = Request(AliceInvite);
        var trying = Response(AliceReceivesRinging.Replace("180 Ringing", "100 Trying", StringComparison.Ordinal));
        var noTag = Response(AliceReceivesRinging.Replace(";tag=314159", string.Empty, StringComparison.Ordinal));
        var otherCall = Response(AliceReceivesRinging.Replace("3848276298220188511@", "other@", StringComparison.Ordinal));
        var busy = Response(AliceReceivesRinging.Replace("180 Ringing", "486 Busy Here", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(SipDialog.TryCreateUac(invite, trying, false, out _, out _), Is.False);
            Assert.That(SipDialog.TryCreateUac(invite, noTag, false, out _, out var r2), Is.False);
            Assert.That(r2, Does.Contain("To-tag"));
            Assert.That(SipDialog.TryCreateUac(invite, otherCall, false, out _, out _), Is.False);
            Assert.That(SipDialog.TryCreateUac(invite, busy, false, out _, out _), Is.False);
        });
    }

    [Test]
    public void UacEarlyDialogFromARingingWithoutContactTargetsTheRequestUriUntilTheTwoHundred()
    {
        var invite = Request(AliceInvite);
        var ringing = Response(AliceReceivesRinging.Replace("Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\r\n", string.Empty, StringComparison.Ordinal));

        Assert.That(SipDialog.TryCreateUac(invite, ringing, false, out var dialog, out _), Is.True);
        Assert.That(dialog!.RemoteTarget.ToString(), Is.EqualTo("sip:bob@biloxi.example.com"));

        dialog.OnResponse(Response(AliceReceivesOk));
        Assert.That(dialog.RemoteTarget.ToString(), Is.EqualTo("sip:bob@client.biloxi.example.com;transport=tcp"));
    }
}
