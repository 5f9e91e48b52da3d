using System.Text;
using System.Text.RegularExpressions;
using CallCenter.Core.Sip.Messages;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>A call from <c>caller</c> to <c>callee</c> through the harness, answered and acknowledged: the phones'
/// views of both dialogs, ready for in-dialog requests.</summary>
internal sealed partial class AnsweredCall
{
    private AnsweredCall(RecordingServerTransaction callerInvite, PhoneDialog caller, SentInvite calleeInvite, PhoneDialog callee)
    {
        CallerInvite = callerInvite;
        Caller = caller;
        CalleeInvite = calleeInvite;
        Callee = callee;
    }

    public RecordingServerTransaction CallerInvite { get; }

    /// <summary>The caller's phone's view of leg A.</summary>
    public PhoneDialog Caller { get; }

    public SentInvite CalleeInvite { get; }

    /// <summary>The callee's phone's view of leg B.</summary>
    public PhoneDialog Callee { get; }

    /// <summary>The relay port the server gave the caller in its 200 (relay side A).</summary>
    public int CallerRelayPort => MediaPort(CallerInvite.Final);

    public static async Task<AnsweredCall> PlaceAsync(CallHarness harness, string caller, string callee, int callerRtp = 30000, int calleeRtp = 30100)
    {
        var before = harness.Invites.Sent.Count;
        var invite = Invite(harness, caller, callee, callerRtp);
        await CallHarness.UntilAsync(() => harness.Invites.Sent.Count > before, "the INVITE to " + callee);
        var calleeInvite = harness.Invites[before];
        calleeInvite.Respond(180);
        calleeInvite.Respond(200, CallHarness.Sdp(calleeRtp, formats: "0 101"));
        var callerDialog = await AcknowledgeAsync(harness, invite);
        return new AnsweredCall(invite, callerDialog, calleeInvite, calleeInvite.Dialog());
    }

    /// <summary>A phone's INVITE to <paramref name="destination"/>, handed to the call manager as authenticated.</summary>
    public static RecordingServerTransaction Invite(CallHarness harness, string caller, string destination, int rtp = 30000, string? extraHeaders = null)
    {
        var tag = "a" + caller + Random.Shared.Next(1000, 9999);
        var callId = "call-" + Guid.NewGuid().ToString("N");
        var sdp = CallHarness.Sdp(rtp);
        var text = $"INVITE sip:{destination}@test.local SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKinv{tag}\r\nMax-Forwards: 70\r\n" +
                   $"From: <sip:{caller}@test.local>;tag={tag}\r\nTo: <sip:{destination}@test.local>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\n" +
                   $"Contact: <sip:{caller}@192.0.2.99:5060>\r\n{extraHeaders}Content-Type: application/sdp\r\nContent-Length: {Encoding.UTF8.GetByteCount(sdp)}\r\n\r\n{sdp}";
        var invite = new RecordingServerTransaction(text);
        harness.Manager.OnInvite(invite, harness.User(caller));
        return invite;
    }

    /// <summary>Waits for the 200 to <paramref name="invite"/>, ACKs it, and returns the phone's view of the dialog.</summary>
    public static async Task<PhoneDialog> AcknowledgeAsync(CallHarness harness, RecordingServerTransaction invite)
    {
        await CallHarness.UntilAsync(() => invite.HasFinalResponse, "the 200 to " + invite.Request.From!.Uri!.User);
        Assert.That(invite.Final.StatusCode, Is.EqualTo(200));
        var request = invite.Request;
        var dialog = new PhoneDialog(request.CallId!, request.From!.Tag!, invite.Final.To!.Tag!, request.From.Uri!.ToString(), request.To!.Uri!.ToString(), 1);
        harness.Manager.OnAck(dialog.Ack(1), invite.Flow);
        return dialog;
    }

    public static int MediaPort(SipMessage message)
    {
        var match = AudioLine().Match(Encoding.UTF8.GetString(message.Body.Span));
        Assert.That(match.Success, Is.True, "no m=audio line in\n" + message);
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"m=audio (\d+) ")]
    private static partial Regex AudioLine();
}
