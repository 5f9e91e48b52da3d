using CallCenter.Core.Configuration;
using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Codecs;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// Leg A: the caller's INVITE, answered by the server as a UAS (RFC 3261 §13.3), and the dialog it makes.
internal sealed partial class Call
{
    // The caller's INVITE until its ACK (after that it is only weight that every young collection copies for each call
    // in progress); what later steps read of it (new INVITEs for transfers and queue offers, the queue's language)
    // is kept apart.
    private SipRequest? _aRequest;
    private readonly int? _aMaxForwards;
    private readonly string? _aDisplayName;
    private readonly string? _aDialled;
    private readonly SipFlow _aFlow;
    private readonly string _aTag;
    private SipDialog? _aDialog;
    private SdpSessionDescription? _aOffer;
    private SdpSessionDescription? _aLocal;
    private SdpSessionVersion? _aVersion;
    private SdpMediaSelection? _aSelection;
    private SipMessageBuilder? _aOk;
    private bool _aAcked;
    private ITimer? _aOkTimer;
    private TimeSpan _aOkInterval;
    private TimeSpan _aOkElapsed;
    private int _aOkGeneration;

    private static SdpMediaCapabilities Capabilities => SdpMediaCapabilities.Default;

    /// <summary>§13.3.1: an INVITE with a body must carry SDP we can read (415 for another type, 400 for broken
    /// SDP); one without a body is a late offer, answered with our offer in the 200 (RFC 3264 §4).</summary>
    private bool TryReadCallerOffer(out int rejection)
    {
        rejection = 0;
        if (InboundRequest.Body.IsEmpty)
        {
            return true;
        }

        if (!IsSdp(InboundRequest.ContentType))
        {
            rejection = 415;
            return false;
        }

        if (!SdpParser.TryParse(InboundRequest.Body.Span, out var offer, out var error))
        {
            CallLog.BadSdp(_manager.Logger, UniqueId, "caller", error.ToString());
            rejection = 400;
            return false;
        }

        _aOffer = offer;
        return true;
    }

    /// <summary>Answers A's offer (or prepares our offer for a late-offer INVITE) on the relay's A side and points
    /// the relay at A. No codec in common is 488 (RFC 3264 §6, §3261 §13.3.1.1), and the call ends here.</summary>
    private bool ConfigureCallerMedia()
    {
        var local = MediaEndpointFor(_aFlow, MediaLegSide.A);
        _aVersion = SdpSessionVersion.Create(System.Net.IPAddress.Parse(local.Address));
        if (_aOffer is null)
        {
            _aLocal = SdpOfferAnswer.CreateOffer(Capabilities, local, _aVersion);
            return true;
        }

        var answer = SdpOfferAnswer.CreateAnswer(_aOffer, Capabilities, local, _aVersion);
        if (!answer.IsAccepted || answer.Audio is null)
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, "caller", answer.Detail);
            FailCaller(488, "no common codec with the caller");
            return false;
        }

        _aLocal = answer.Answer;
        _aSelection = answer.Audio;
        Configure(MediaLegSide.A, _aSelection);
        return true;
    }

    /// <summary>Relays a provisional response of B's to A: 180 as 180, 183 as 183 (with our answer when B sent
    /// early media), always under A's own To-tag.</summary>
    private void SendCallerProvisional(int status, bool withSdp)
    {
        if (InboundInvite.HasFinalResponse)
        {
            return;
        }

        OpenCallerEarlyDialog(status);
        var response = InboundInvite.CreateResponse(status, toTag: _aTag).AddHeader("Contact", ContactFor(_aFlow));
        if (withSdp && _aOffer is not null && _aLocal is not null)
        {
            response.SetBody(_aLocal.ToBytes(), "application/sdp");
        }

        InboundInvite.Respond(response);
    }

    /// <summary>B answered: A gets its 200 with our SDP, and becomes a confirmed dialog awaiting its ACK. The 200 is
    /// repeated at T1, 2·T1 … T2 until the ACK comes (§13.3.1.4); none within 64·T1 ends the call.</summary>
    private void AnswerCaller()
    {
        _aOk = InboundInvite.CreateResponse(200, toTag: _aTag)
            .AddHeader("Contact", ContactFor(_aFlow))
            .AddHeader("Allow", SipCapabilities.Allow)
            .SetBody(_aLocal!.ToBytes(), "application/sdp");
        // The early dialog our 1xx made becomes the confirmed one (§12.1.1: same tags), with whatever an UPDATE in
        // it refreshed; without one (answered before any 1xx) the 200 makes it.
        var dialog = _aEarly is { State: SipDialogState.Early } early ? early : null;
        string? reason = null;
        if (dialog is null && !SipDialog.TryCreateUas(InboundRequest, _aTag, 200, _aFlow.Transport == SipTransport.Tls, out dialog, out reason))
        {
            CallLog.NoDialog(_manager.Logger, UniqueId, "caller", reason);
            _aOk = null;
            FailCaller(400, reason);
            return;
        }

        _aEarly = null;
        _aDialog = dialog;
        _legA = new CallLeg(ALegId, _caller.Extension, MediaLegSide.A, dialog, SipTarget.From(_aFlow), _aFlow, _aLocal!, _aVersion!, _aSelection);
        _manager.Dialogs.TryAdd(dialog.Id, this);
        InboundInvite.Respond(_aOk);
        dialog.OnResponseSent(InboundRequest, 200);
        _manager.ForgetInvite(InboundInvite);
        var timers = _manager.Options.Sip.Timers;
        _aOkInterval = timers.T1;
        _aOkElapsed = TimeSpan.Zero;
        ArmCallerOkTimer(timers.T1);
    }

    /// <summary>Call context: the ACK for our 2xx. For a late offer it carries A's answer.</summary>
    public void OnAck(SipRequest ack)
    {
        if (_aDialog is null || _aAcked || !_aDialog.OnAck(ack))
        {
            // The ACK for a 2xx we gave a re-INVITE on some leg: it only ends that INVITE's wait (§13.3.1.4).
            FindLeg(ack)?.Dialog.OnAck(ack);
            return;
        }

        _aAcked = true;
        StopCallerOkTimer();

        // Only repeated until the ACK (§13.3.1.4); a call in progress need not hold it (it is ~2 KB of every call
        // that each young collection copies, bench/RESULTS.md session 7).
        _aOk = null;
        InboundInvite.AckReceived();
        CallerInvite = null;
        _aRequest = null;
        if (_aOffer is null && !ack.Body.IsEmpty && IsSdp(ack.ContentType) && SdpParser.TryParse(ack.Body.Span, out var answer, out _))
        {
            var read = SdpOfferAnswer.ReadAnswer(_aLocal!, answer);
            if (read.IsAccepted && read.Audio is not null)
            {
                _aSelection = read.Audio;
                if (_legA is not null)
                {
                    _legA.Selection = read.Audio;
                }

                Configure(MediaLegSide.A, _aSelection);
            }
            else
            {
                CallLog.NoCommonCodec(_manager.Logger, UniqueId, "caller", read.Detail);
                Hangup(HangupParty.System, byeCaller: true, byeCallee: true);
            }
        }

        if (_pickedBy is not null && _state == CallState.Answered)
        {
            HandOverPickedCaller();
        }
    }

    /// <summary>Call context: the caller cancelled before the call was answered (§9.2; the layer sent the 200
    /// for the CANCEL). B's INVITE is cancelled too and A's INVITE ends with 487.</summary>
    public void OnCallerCancel()
    {
        if (_state is CallState.Routing or CallState.Ringing)
        {
            _bFork?.CancelAll();
            FailCaller(487, "caller cancelled");
        }
    }

    private void Configure(MediaLegSide side, SdpMediaSelection selection)
    {
        if (_relay is null || selection.RemoteRtp?.ToIPEndPoint() is not { } remote || remote.Port == 0)
        {
            return;
        }

        _relay.Configure(side, new MediaLegSettings
        {
            RemoteRtp = remote,
            RemoteRtcp = selection.RemoteRtcp?.ToIPEndPoint(),
            Codec = selection.Codec.SameCodec(SdpCodec.Pcma) ? AudioCodec.Pcma : AudioCodec.Pcmu,
            PayloadType = (byte)selection.Codec.PayloadType,
            TelephoneEventPayloadType = selection.TelephoneEventPayloadType is { } te ? (byte)te : null,
            // The party sends nothing while it holds, or while our offer asked it not to (a hold we relayed).
            ExpectsMedia = !selection.IsHold && selection.Direction.CanReceive(),
        });
    }

    private void ArmCallerOkTimer(TimeSpan due)
    {
        var generation = ++_aOkGeneration;
        _aOkTimer?.Dispose();
        _aOkTimer = _manager.Time.CreateTimer(
            _ => Post(() =>
            {
                if (generation == _aOkGeneration && !_aAcked && _state == CallState.Answered)
                {
                    OnCallerOkTimer();
                }
            }),
            null,
            due,
            Timeout.InfiniteTimeSpan);
    }

    private void OnCallerOkTimer()
    {
        var timers = _manager.Options.Sip.Timers;
        _aOkElapsed += _aOkInterval;
        if (_aOkElapsed >= 64 * timers.T1)
        {
            // §13.3.1.4: no ACK for 64·T1: the session is not confirmed; end it with BYE both ways.
            CallLog.NoAck(_manager.Logger, UniqueId);
            Hangup(HangupParty.System, byeCaller: true, byeCallee: true);
            return;
        }

        InboundInvite.Respond(_aOk!);
        _aOkInterval = _aOkInterval * 2 > timers.T2 ? timers.T2 : _aOkInterval * 2;
        ArmCallerOkTimer(_aOkInterval);
    }

    private void StopCallerOkTimer()
    {
        _aOkGeneration++;
        _aOkTimer?.Dispose();
        _aOkTimer = null;
    }

    private static bool IsSdp(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/sdp", StringComparison.OrdinalIgnoreCase);
}
