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

// Virtual hold (issue 5), both halves. The waiting caller pressed the queue's callback digit: the ACD keeps its place
// and the call layer lets the caller go (OnCallbackAccepted: the confirmation prompt, then BYE, and no hang-up report,
// since for the ACD the caller has not left). When its turn comes the ACD asks for the callback, and the server places
// a call of its own (CallManager.PlaceCallback): leg A is our INVITE to the caller's phones with the relay's A side in
// our offer, From the queue, so that the phone shows who calls back. Answered, it becomes a queue call like any other
// under the ACD's id of the caller (QueueCallId), with the queue's music: the agent is offered and connected on the
// relay's B side exactly as for a caller who dialled in. Not answered (refused, ring timeout, no phone, shutdown), the
// ACD hears CallbackFailed. Call context only.
internal sealed partial class Call
{
    private CalleeFork? _callbackFork;
    private ITimer? _callbackTimer;
    private SipDialog? _callbackDialog;
    private SipTarget? _callbackTarget;
    private bool _callbackPlaced;
    private bool _callbackSettled;
    private bool _callbackRequested;

    /// <summary>Call context: the ACD took the caller's callback request; the caller's leg ends here while its place
    /// in line stays with the ACD.</summary>
    internal void OnCallbackAccepted()
    {
        if (!_queued || _agentConnected)
        {
            return;
        }

        // Not reported as a hang-up: the ACD holds the caller on virtual hold and calls it back under this id.
        _queued = false;
        _callbackRequested = true;
        ConfirmCallbackThenHangUp("callback requested in queue " + _queue?.Name);
    }

    /// <summary>Call context, the first work of a server-placed call: rings the called-back extension's phones.</summary>
    internal void StartCallback(QueueOptions queue, IReadOnlyList<ContactBinding> bindings, TimeSpan ringTimeout)
    {
        _queue = queue;
        _callbackPlaced = true;
        var callIds = bindings.Select(_ => NewCallId()).ToList();
        _manager.Cdr?.Open(new CallOpened(UniqueId, QueueCallId, _startedUtc, queue.Number ?? queue.Name, queue.Name, _caller.Extension, "callback", ALegId, callIds[0]));
        Record(CelEventType.ChannelStart, ALegId, "{\"callback\":\"" + QueueCallId + "\",\"queue\":\"" + queue.Name + "\"}");
        if (!_manager.Media.TryCreateRelay(this, out var relay, out var error))
        {
            CallLog.NoRelay(_manager.Logger, UniqueId, error.ToString());
            EndCallback(503, "no media ports");
            return;
        }

        _relay = relay;
        var local = MediaEndpointFor(_aFlow, MediaLegSide.A);
        _aVersion = SdpSessionVersion.Create(System.Net.IPAddress.Parse(local.Address));
        _aLocal = SdpOfferAnswer.CreateOffer(Capabilities, local, _aVersion);
        var body = _aLocal.ToBytes();
        CallLog.CallingBack(_manager.Logger, UniqueId, _caller.Extension, QueueCallId, queue.Name);
        _callbackFork = new CalleeFork(_manager.Invites, _manager.Client, _manager.Logger, UniqueId);
        for (var i = 0; i < bindings.Count; i++)
        {
            var binding = bindings[i];
            _callbackFork.Send(CallbackInvite(binding, queue, callIds[i], body), binding.Target, new CalleeLegOwner(new CallbackLegOwner(this)));
            Record(CelEventType.Ring, ALegId, "{\"contact\":\"" + binding.Target + "\"}");
        }

        _callbackTimer = _manager.Time.CreateTimer(
            _ => Post(OnCallbackRingTimeout), null, ringTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Our INVITE to one of the caller's phones: From the queue's number with its name, so the phone shows
    /// who is calling back; a Call-ID and tag of its own per phone, as for a callee (<see cref="CalleeFork"/>).</summary>
    private SipMessageBuilder CallbackInvite(ContactBinding binding, QueueOptions queue, string callId, byte[] offer)
    {
        var domain = _manager.Options.Sip.Domain;
        // A queue reached only through the IVR has no number; its name then stands in the From's user part.
        var from = SipNameAddress.Create(SipUri.Create("sip", queue.Number ?? queue.Name, domain), queue.Name)
            .WithParameter("tag", _aTag);
        var to = SipNameAddress.Create(SipUri.Create("sip", _caller.Extension, domain));
        return NewInvite(binding.ContactUri, from, to, 70, binding.Target.Flow ?? _aFlow, offer, callId);
    }

    /// <summary>Call context: a 2xx from one of the caller's phones. The first makes leg A and the queue call.</summary>
    internal void OnCallbackAnswered(SipClientInvite invite, SipResponse response)
    {
        var branch = _callbackFork?.OnSuccess(invite, response) ?? ForkAnswer.Ignore;
        if (branch is ForkAnswer.Ignore or ForkAnswer.Late)
        {
            return;
        }

        if (branch == ForkAnswer.Won)
        {
            _callbackTarget = _callbackFork!.Winner!.Target;
        }

        var winner = _callbackFork!.Winner!;
        if (_callbackDialog is null)
        {
            if (!winner.Invite.TryCreateDialog(response, _callbackTarget!.Transport == SipTransport.Tls, out var dialog, out var reason))
            {
                CallLog.NoDialog(_manager.Logger, UniqueId, "callback", reason);
                return;
            }

            _callbackDialog = dialog;
            _manager.Dialogs.TryAdd(dialog.Id, this);
        }
        else if (!_callbackDialog.OnResponse(response))
        {
            // A 2xx making a second dialog of the winning INVITE (§13.2.2.4): acknowledged and ended at once.
            if (winner.Invite.TryCreateDialog(response, false, out var extra, out _) && extra.Id != _callbackDialog.Id)
            {
                CallLog.ExtraFork(_manager.Logger, UniqueId);
                Forget(SendCallbackAckAsync(extra));
                Forget(SendByeAsync(extra, _callbackTarget!));
                extra.Terminate();
            }

            return;
        }

        Forget(SendCallbackAckAsync(_callbackDialog));
        if (_state != CallState.Routing)
        {
            // A retransmitted 2xx (ACKed again above), or one that came after the callback was given up.
            if (_state == CallState.Ended && _callbackDialog.State != SipDialogState.Terminated)
            {
                Forget(SendByeAsync(_callbackDialog, _callbackTarget!));
                _callbackDialog.Terminate();
                _manager.Dialogs.TryRemove(_callbackDialog.Id, this);
            }

            return;
        }

        _callbackTimer?.Dispose();
        if (!TryReadCallbackAnswer(response, out var selection))
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, "caller", "no usable answer in the callback's 2xx");
            Forget(SendByeAsync(_callbackDialog, _callbackTarget!));
            _callbackDialog.Terminate();
            EndCallback(488, "the phone's answer is unusable");
            return;
        }

        _aSelection = selection;
        Configure(MediaLegSide.A, selection);
        _state = CallState.Answered;
        _aAcked = true;
        _callbackSettled = true;
        _legA = new CallLeg(ALegId, _caller.Extension, MediaLegSide.A, _callbackDialog, _callbackTarget!, _callbackTarget!.Flow ?? _aFlow, _aLocal!, _aVersion!, selection);
        _manager.Cdr?.Answer(new CallAnswered(UniqueId, _manager.Time.GetUtcNow(), ALegId, _caller.Extension));
        Record(CelEventType.Answer, ALegId);
        CallLog.Queued(_manager.Logger, UniqueId, _caller.Extension, _queue!.Name);
        _queued = true;
        if (_manager.Acd?.CallbackAnswered(QueueCallId) != true)
        {
            _queued = false;
            HangUpQueueCaller("the ACD is overloaded");
            return;
        }

        StartQueueMusic();
    }

    /// <summary>Call context: a phone refused; once every phone has, the callback has failed.</summary>
    internal void OnCallbackRefused(SipClientInvite invite, SipClientResult result)
    {
        if (_state != CallState.Routing || _callbackFork?.OnFailure(invite, result) is not { } final)
        {
            return;
        }

        EndCallback(final.Response?.StatusCode ?? 480, "the phone answered " + (final.Response?.StatusCode ?? 0).ToString(CultureInfo.InvariantCulture));
    }

    private void OnCallbackRingTimeout()
    {
        if (_state != CallState.Routing)
        {
            return;
        }

        _callbackFork?.CancelAll();
        EndCallback(480, "no answer");
    }

    /// <summary>The callback ends unanswered; <see cref="EndQueueCall"/> tells the ACD.</summary>
    private void EndCallback(int status, string why)
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        CallLog.CallbackFailed(_manager.Logger, UniqueId, _caller.Extension, why);
        _state = CallState.Ended;
        Finish(CallEnd.Failed(status, HangupParty.System));
    }

    /// <summary>From <see cref="EndQueueCall"/>: a callback that ends before it was answered is the ACD's
    /// CallbackFailed, whatever ended it (no answer, a refusal, shutdown, a fault); its phones stop ringing.</summary>
    private void EndCallbackLeg()
    {
        if (!_callbackPlaced)
        {
            return;
        }

        _callbackTimer?.Dispose();
        if (_callbackFork is { } fork)
        {
            fork.CancelAll();
            fork.Detach(_callbackDialog);
        }

        if (_callbackDialog is not null)
        {
            _manager.Dialogs.TryRemove(_callbackDialog.Id, this);
        }

        if (!_callbackSettled)
        {
            _callbackSettled = true;
            _manager.Acd?.CallbackFailed(QueueCallId);
        }
    }

    private bool TryReadCallbackAnswer(SipResponse response, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SdpMediaSelection? selection)
    {
        selection = null;
        if (response.Body.IsEmpty || !IsSdp(response.ContentType) || !SdpParser.TryParse(response.Body.Span, out var answer, out _))
        {
            return false;
        }

        var read = SdpOfferAnswer.ReadAnswer(_aLocal!, answer);
        selection = read.IsAccepted ? read.Audio : null;
        return selection is not null;
    }

    private async Task SendCallbackAckAsync(SipDialog dialog)
    {
        var result = await _manager.Invites.SendAckAsync(dialog.CreateAck(dialog.CreatingSequence), _callbackTarget!).ConfigureAwait(false);
        if (result != SipSendResult.Sent)
        {
            CallLog.SendFailed(_manager.Logger, UniqueId, "ACK", result.ToString());
        }
    }
}
