using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// Leg B: the INVITE the server sends to the callee's registered contact (as a UAC, §13.2), its responses, and
// the dialog the 2xx makes. The ISipInviteOwner callbacks arrive on B's transaction shard and only post.
internal sealed partial class Call
{
    private CalleeFork? _bFork;
    private SipClientInvite? _bInvite;
    private SipTarget? _bTarget;
    private SipDialog? _bDialog;
    private SdpSessionDescription? _bLocal;
    private SdpSessionVersion? _bVersion;
    private SdpMediaSelection? _bSelection;

    public void OnProvisional(SipClientInvite invite, SipResponse response) => Post(() => OnCalleeProvisional(invite, response));

    public void OnSuccess(SipClientInvite invite, SipResponse response) => Post(() => OnCalleeAnswered(invite, response));

    public void OnFailure(SipClientInvite invite, SipClientResult result) => Post(() => OnCalleeFailed(invite, result));

    /// <summary>The callee's status as the caller hears it. A B2BUA answers for itself: a 5xx of the phone's is not
    /// the server's overload (503 would tell the caller's proxy to avoid us), and a challenge from the phone is not
    /// the caller's to answer.</summary>
    internal static int CallerStatusFor(int calleeStatus) => calleeStatus switch
    {
        486 or 600 => 486,
        603 => 603,
        404 or 410 or 484 or 604 => 404,
        488 or 606 => 488,
        487 => 487,
        _ => 480,
    };

    /// <summary>Rings every phone of the callee at once (<see cref="CalleeFork"/>): one INVITE per contact, all
    /// with the same SDP offer on the relay's B side, so that whichever answers, the relay is ready for it. The
    /// offer's address is the one the server shows the best-ranked contact's flow; phones of one extension sit
    /// behind one listener in practice, and rtp/@publicAddress overrides it anyway.</summary>
    private void InviteCallee(UserOptions callee, IReadOnlyList<ContactBinding> bindings)
    {
        var body = PrepareCalleeOffer(bindings[0].Target.Flow ?? _aFlow, fresh: true);
        _state = CallState.Ringing;
        ArmRingTimer();
        _bFork = new CalleeFork(_manager.Invites, _manager.Client, _manager.Logger, UniqueId);
        foreach (var binding in bindings)
        {
            _bFork.Send(CalleeInvite(binding, callee.Extension, body), binding.Target, new CalleeLegOwner(this));
            Record(CelEventType.Ring, BLegId, "{\"contact\":\"" + binding.Target + "\"}");
            CallLog.Dialing(_manager.Logger, UniqueId, _caller.Extension, callee.Extension, binding.Target.ToString());
        }
    }

    /// <summary>Our SDP offer on the relay's B side: made anew for each callee a call is routed to (a forward may
    /// reach a phone behind another listener), or kept (<paramref name="fresh"/> false) for the agents a queue call
    /// is offered to one after the other.</summary>
    private byte[] PrepareCalleeOffer(SipFlow offerFlow, bool fresh)
    {
        if (fresh || _bLocal is null)
        {
            var local = MediaEndpointFor(offerFlow, MediaLegSide.B);
            _bVersion = SdpSessionVersion.Create(System.Net.IPAddress.Parse(local.Address));
            _bLocal = SdpOfferAnswer.CreateOffer(CalleeCapabilities(), local, _bVersion);
        }

        return _bLocal.ToBytes();
    }

    /// <summary>The INVITE to one contact of <paramref name="extension"/>, from the caller, with a Call-ID and
    /// From-tag of its own (see <see cref="CalleeFork"/> for why).</summary>
    private SipMessageBuilder CalleeInvite(ContactBinding binding, string extension, byte[] body)
    {
        var options = _manager.Options;
        var domain = options.Sip.Domain;
        var flow = binding.Target.Flow ?? _aFlow;
        var to = SipNameAddress.Create(SipUri.Create("sip", extension, domain));
        var maxForwards = (_aMaxForwards ?? 70) - 1;
        var from = SipNameAddress.Create(SipUri.Create("sip", _caller.Extension, domain), CallerDisplayName())
            .WithParameter("tag", SipServerTransaction.NewTag());
        return NewInvite(binding.ContactUri, from, to, maxForwards, flow, body);
    }

    /// <summary>An INVITE the server places on a dialog of its own (a callee, a transfer target, a called-back
    /// caller): a fresh Call-ID unless <paramref name="callId"/> was chosen before, our Contact on the flow that
    /// reaches the phone, and our SDP offer.</summary>
    private SipMessageBuilder NewInvite(SipUri requestUri, SipNameAddress from, SipNameAddress to, int maxForwards, SipFlow flow, byte[] offer,
        string? callId = null)
    {
        return SipMessageBuilder.ForRequest(SipMethods.Invite, requestUri)
            .AddHeader("Max-Forwards", maxForwards.ToString(CultureInfo.InvariantCulture))
            .AddHeader("From", from.ToString())
            .AddHeader("To", to.ToString())
            .AddHeader("Call-ID", callId ?? NewCallId())
            .AddHeader("CSeq", "1 INVITE")
            .AddHeader("Contact", ContactFor(flow))
            .AddHeader("Allow", SipCapabilities.Allow)
            .AddHeader("User-Agent", _manager.Options.Sip.UserAgent)
            .SetBody(offer, "application/sdp");
    }

    /// <summary>A Call-ID for a dialog the server starts: 96 random bits from the buffered CSPRNG.</summary>
    private static string NewCallId()
    {
        Span<byte> random = stackalloc byte[12];
        SipRandom.Fill(random);
        return Convert.ToHexStringLower(random) + "@callcenter";
    }

    /// <summary>The contacts to ring: all but those whose last qualify probe went unanswered (the store ranks them
    /// last); if every one is unreachable, the best-ranked one anyway, since a probe lost behind a NAT does not
    /// prove the phone gone and an INVITE costs the caller nothing more than the 480 it would get.</summary>
    private static IReadOnlyList<ContactBinding> Reachable(IReadOnlyList<ContactBinding> contacts)
    {
        var reachable = contacts.TakeWhile(c => c.Reachability != Reachability.Unreachable).ToArray();
        return reachable.Length > 0 ? reachable : [contacts[0]];
    }

    /// <summary>Our codecs with the one A chose first, so that both legs land on the same codec when B can, and
    /// the relay only transcodes when B cannot.</summary>
    private SdpMediaCapabilities CalleeCapabilities()
    {
        if (_aSelection?.Codec is not { } chosen)
        {
            return Capabilities;
        }

        var ordered = Capabilities.Codecs.OrderBy(c => c.SameCodec(chosen) ? 0 : 1).ToArray();
        return new SdpMediaCapabilities(ordered, Capabilities.TelephoneEventPayloadType, Capabilities.TelephoneEvents, Capabilities.PacketTime);
    }

    private string? CallerDisplayName() =>
        _aDisplayName is { Length: > 0 } shown ? shown.Trim('"') : _caller.DisplayName;

    private void OnCalleeProvisional(SipClientInvite invite, SipResponse response)
    {
        if (_state != CallState.Ringing || response.StatusCode == 100 || _bFork is null)
        {
            return;
        }

        SdpMediaSelection? selection = null;
        var usable = response.StatusCode == 183 && TryReadCalleeAnswer(response, out selection);
        switch (_bFork.OnProvisional(invite, usable))
        {
            case ForkProvisional.EarlyMedia:
                _bSelection = selection;
                Configure(MediaLegSide.B, selection!);
                SendCallerProvisional(183, withSdp: true);
                break;
            case ForkProvisional.Ringing:
                SendCallerProvisional(response.StatusCode is 180 or 181 or 182 ? response.StatusCode : 180, withSdp: false);
                break;
        }
    }

    private void OnCalleeAnswered(SipClientInvite invite, SipResponse response)
    {
        var branch = _bFork?.OnSuccess(invite, response) ?? ForkAnswer.Ignore;
        if (branch is ForkAnswer.Ignore or ForkAnswer.Late)
        {
            return;
        }

        if (branch == ForkAnswer.Won)
        {
            // Early media may have come from another phone: then the winner's 2xx must bring its own answer.
            if (_bFork!.EarlyMedia != _bFork.Winner)
            {
                _bSelection = null;
            }

            _bInvite = invite;
            _bTarget = _bFork.Winner!.Target;
        }

        if (_bDialog is null)
        {
            if (!_bInvite!.TryCreateDialog(response, _bTarget!.Transport == SipTransport.Tls, out var dialog, out var reason))
            {
                CallLog.NoDialog(_manager.Logger, UniqueId, "callee", reason);
                return;
            }

            _bDialog = dialog;
            _manager.Dialogs.TryAdd(dialog.Id, this);
        }
        else if (!_bDialog.OnResponse(response))
        {
            // A 2xx from another fork of the INVITE (§13.2.2.4): acknowledge it and end that dialog at once.
            CallLog.ExtraFork(_manager.Logger, UniqueId);
            if (_bInvite!.TryCreateDialog(response, false, out var fork, out _))
            {
                Forget(SendAckAsync(fork));
                Forget(SendByeAsync(fork, _bTarget!));
            }

            return;
        }

        Forget(SendAckAsync(_bDialog));
        if (_state != CallState.Ringing)
        {
            // Answered after the caller gave up (CANCEL crossing the 200, ring timeout) or a retransmitted 2xx.
            // A call picked up by someone else (.Pickup.cs) has no callee leg to join either.
            if ((_state == CallState.Ended || _legB is null) && _bDialog.State != SipDialogState.Terminated)
            {
                Forget(SendByeAsync(_bDialog, _bTarget!));
                _bDialog.Terminate();

                // The call already gave its table entries back (Finish); this dialog came after.
                _manager.Dialogs.TryRemove(_bDialog.Id, this);
            }

            return;
        }

        StopRingTimer();
        if (!TryReadCalleeAnswer(response, out var selection) && _bSelection is null)
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, "callee", "no usable answer in the 2xx");
            Forget(SendByeAsync(_bDialog, _bTarget!));
            _bDialog.Terminate();
            FailCaller(488, "callee's answer unusable");
            return;
        }

        if (selection is not null)
        {
            _bSelection = selection;
            Configure(MediaLegSide.B, selection);
        }

        _state = CallState.Answered;
        _legB = new CallLeg(BLegId, _calleeExtension, MediaLegSide.B, _bDialog, _bTarget!, _bTarget!.Flow ?? _aFlow, _bLocal!, _bVersion!, _bSelection);
        _manager.Cdr?.Answer(new CallAnswered(UniqueId, _manager.Time.GetUtcNow(), BLegId, _calleeExtension));
        Record(CelEventType.Answer, BLegId);
        Record(CelEventType.BridgeEnter, ALegId);
        AnswerCaller();
        CallLog.Answered(_manager.Logger, UniqueId);
    }

    private void OnCalleeFailed(SipClientInvite invite, SipClientResult failed)
    {
        if (_state != CallState.Ringing || _bFork?.OnFailure(invite, failed) is not { } result)
        {
            return;
        }

        var status = result.Response?.StatusCode ?? 408;
        var why = "callee answered " + status.ToString(CultureInfo.InvariantCulture);
        switch (CallerStatusFor(status))
        {
            case 486:
                OnCalleeBusy(why);
                break;
            case 480:
                // No phone took the call: timeouts, 480s, 5xx of the phones, a redirect we do not follow.
                OnCalleeUnanswered(480, why);
                break;
            case var other:
                FailCaller(other, why);
                break;
        }
    }

    private void OnRingTimeout()
    {
        CallLog.NoAnswer(_manager.Logger, UniqueId, RingTime.TotalSeconds);
        _bFork?.CancelAll();
        OnCalleeUnanswered(480, "no answer");
    }

    private bool TryReadCalleeAnswer(SipResponse response, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SdpMediaSelection? selection)
    {
        selection = null;
        if (response.Body.IsEmpty || !IsSdp(response.ContentType) || !SdpParser.TryParse(response.Body.Span, out var answer, out _))
        {
            return false;
        }

        var read = SdpOfferAnswer.ReadAnswer(_bLocal!, answer);
        if (!read.IsAccepted || read.Audio is null)
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, "callee", read.Detail);
            return false;
        }

        selection = read.Audio;
        return true;
    }

    private async Task SendAckAsync(SipDialog dialog)
    {
        var ack = dialog.CreateAck(dialog.CreatingSequence);
        var result = await _manager.Invites.SendAckAsync(ack, _bTarget!).ConfigureAwait(false);
        if (result != SipSendResult.Sent)
        {
            CallLog.SendFailed(_manager.Logger, UniqueId, "ACK", result.ToString());
        }
    }
}
