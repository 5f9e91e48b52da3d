using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Core.Telephony;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// A call to a queue's number (issue 5). The server answers the caller itself with the relay's A side, as for a
// feature code, so the caller's media is anchored from the first moment and waits there; the call is handed to the
// ACD (IQueueCallEvents.Join) and from then on the ACD decides. Its commands arrive here posted by its adapter:
// ring an agent (OfferToAgent: the agent's phones are INVITEd with the relay's B side, as a callee is), connect the
// agent who answered (ConnectAgent: the agent's leg becomes leg B, and audio flows through the relay at once — the
// caller needs no re-INVITE, its media never moved), stop ringing (CancelAgentOffer), or let the caller go
// (OnQueueExit, OnQueueOverflow). What happens on the call (the caller or the agent hanging up, an agent's phone
// answering or refusing, a key pressed) goes back as a report. Call context only.
internal sealed partial class Call
{
    private readonly Dictionary<long, QueueAgentOffer> _agentOffers = [];
    private QueueOptions? _queue;
    private bool _queued;
    private bool _agentConnected;
    private ITimer? _queueByeTimer;
    private long _holdStarted;
    private TimeSpan _holdTotal;

    /// <summary>Call context, from <see cref="Start"/>: the caller dialled <paramref name="queue"/>'s number.</summary>
    private void StartQueueCall(QueueOptions queue, IQueueCallEvents acd)
    {
        _queue = queue;
        if (!PrepareMedia())
        {
            return;
        }

        _state = CallState.Answered;
        Record(CelEventType.Answer, ALegId);
        AnswerCaller();
        if (_state != CallState.Answered)
        {
            return;
        }

        JoinQueue(queue, () => acd.Join(QueueCallId, queue.Name, _caller.Extension));
    }

    /// <summary>Call context: the answered caller joins <paramref name="queue"/> through <paramref name="join"/>
    /// (the plain join above, or the IVR's, which carries the priority and skills its flow set).</summary>
    private void JoinQueue(QueueOptions queue, Func<bool> join)
    {
        _queue = queue;
        _manager.AddQueueCall(this);
        _manager.SetCallbackQueue(QueueCallId, queue.Name);
        _queued = true;
        CallLog.Queued(_manager.Logger, UniqueId, _caller.Extension, queue.Name);
        if (!join())
        {
            _queued = false;
            HangUpQueueCaller("the ACD is overloaded");
            return;
        }

        StartQueueMusic();
    }

    /// <summary>Call context: the ACD offers this caller to the agent at <paramref name="extension"/>. Its phones
    /// ring with our offer on the relay's B side; the outcome goes back as OfferAnswered or OfferFailed.</summary>
    internal void OfferToAgent(long offerId, string extension, TimeSpan ringTimeout)
    {
        if (!_queued || _state != CallState.Answered || _agentConnected)
        {
            // The caller is gone or being let go: the ACD learns it from that report, and drops this offer then.
            _manager.Acd?.OfferFailed(offerId, 0);
            return;
        }

        if (!TryRing(new QueueAgentOffer(this, offerId, extension, direct: false), ringTimeout, out var status))
        {
            _manager.Acd?.OfferFailed(offerId, status);
        }
    }

    /// <summary>Call context: the ACD stops an offer (another agent answered, the ring timeout, the agent paused or
    /// logged out, the caller left). Ringing phones get CANCEL; a phone that answered meanwhile gets BYE. Idempotent.</summary>
    internal void CancelAgentOffer(long offerId)
    {
        if (_agentOffers.TryGetValue(offerId, out var offer) && offer.State != QueueAgentOfferState.Connected)
        {
            WithdrawAgentOffer(offer);
        }
    }

    /// <summary>Call context: the ACD connects the agent whose phone answered. Its leg becomes leg B: the relay
    /// sends the caller's audio to it and its audio to the caller from now on.</summary>
    internal void ConnectAgent(long offerId)
    {
        if (!_agentOffers.TryGetValue(offerId, out var offer) || offer.State != QueueAgentOfferState.Answered || _state != CallState.Answered)
        {
            if (offer?.State == QueueAgentOfferState.HungUp)
            {
                // The agent hung up between answering and this connect: for the ACD the call was connected, and it
                // ends the way any connected call does when the agent hangs up first.
                EndAgentOffer(offer);
                if (_state == CallState.Answered)
                {
                    _agentConnected = true;
                    Hangup(HangupParty.Callee, byeCaller: true, byeCallee: false);
                }
            }

            return;
        }

        Join(offer);
    }

    /// <summary>Call context: the ACD let the caller go without an agent (full, empty, timeout, exit key...). With
    /// no dial plan after the queue yet, the caller is hung up.</summary>
    internal void OnQueueExit(string queue, string reason)
    {
        if (!_queued)
        {
            return;
        }

        _queued = false;
        StopQueueMedia();
        CallLog.QueueExit(_manager.Logger, UniqueId, queue, reason);
        HangUpQueueCaller("left queue " + queue);
    }

    /// <summary>Call context: the caller overflows from <paramref name="fromQueue"/>. Into another queue the ACD has
    /// moved it already; to an extension it is routed as a forward would be, but from an answered caller: that
    /// extension's phones ring with the relay's B side and the first to answer is connected.</summary>
    internal void OnQueueOverflow(string fromQueue, OverflowTarget target)
    {
        if (!_queued)
        {
            return;
        }

        CallLog.QueueOverflow(_manager.Logger, UniqueId, fromQueue, target.ToString());
        Record(CelEventType.Forward, ALegId, string.Create(
            CultureInfo.InvariantCulture, $"{{\"from\":\"{fromQueue}\",\"to\":\"{target}\",\"reason\":\"overflow\"}}"));
        switch (target.Action)
        {
            case OverflowAction.Queue:
                _queue = _manager.Options.Queues.FindQueue(target.Target!) ?? _queue;
                if (!_queueAnnouncing)
                {
                    // The new queue's class; an announcement playing now resumes with it when it ends.
                    StartQueueMusic();
                }

                return;
            case OverflowAction.Extension when _manager.Options.Extensions.FindUser(target.Target!) is { } user:
                _queued = false;
                StopQueueMedia();
                var direct = new QueueAgentOffer(this, 0, user.Extension, direct: true);
                if (!TryRing(direct, user.NoAnswerTimeout ?? _manager.Options.Calls.RingTimeout, out var status))
                {
                    HangUpQueueCaller("overflow target " + user.Extension + " unavailable (" + status.ToString(CultureInfo.InvariantCulture) + ")");
                }

                return;
            default:
                // Hang-up with its message, and voicemail, which does not exist yet: the prompt is the IVR's to play.
                _queued = false;
                StopQueueMedia();
                HangUpQueueCaller("overflow " + target);
                return;
        }
    }

    /// <summary>Call context, from a relayed or INFO key press.</summary>
    private void OnQueueDigit(MediaLegSide from, char digit)
    {
        if (_queued && !_agentConnected && from == MediaLegSide.A)
        {
            _manager.Acd?.CallerPressed(QueueCallId, digit);
        }
    }

    /// <summary>Call context, from a hold or resume of either party: the time the connected call spends held, which
    /// the ACD keeps apart from talk time (handle time counts each second once).</summary>
    private void OnQueueHoldChanged()
    {
        if (!_agentConnected)
        {
            return;
        }

        var held = _legA?.PartyHolds == true || _legB?.PartyHolds == true;
        if (held && _holdStarted == 0)
        {
            _holdStarted = _manager.Time.GetTimestamp();
        }
        else if (!held && _holdStarted != 0)
        {
            _holdTotal += _manager.Time.GetElapsedTime(_holdStarted);
            _holdStarted = 0;
        }
    }

    /// <summary>Rings <paramref name="offer"/>'s extension on every reachable phone. False with the status to
    /// report when it cannot ring at all: no such user or no phone registered (0), at its call limit (486).</summary>
    private bool TryRing(QueueAgentOffer offer, TimeSpan ringTimeout, out int status)
    {
        status = 0;
        var user = _manager.Options.Extensions.FindUser(offer.Extension);
        var contacts = user is null ? [] : _manager.Registrations.GetContacts(offer.Extension);
        if (user is null || contacts.Count == 0)
        {
            return false;
        }

        if (!_manager.TryTakeSlot(user.Extension, user.CallLimit))
        {
            status = 486;
            return false;
        }

        offer.HoldsSlot = true;
        var bindings = Reachable(contacts);
        var body = PrepareCalleeOffer(bindings[0].Target.Flow ?? _aFlow, fresh: false);
        _agentOffers[offer.OfferId] = offer;
        offer.Fork = new CalleeFork(_manager.Invites, _manager.Client, _manager.Logger, UniqueId);
        foreach (var binding in bindings)
        {
            offer.Fork.Send(CalleeInvite(binding, user.Extension, body), binding.Target, new CalleeLegOwner(offer));
            Record(CelEventType.Ring, BLegId, "{\"contact\":\"" + binding.Target + "\",\"queue\":\"" + _queue?.Name + "\"}");
            CallLog.Dialing(_manager.Logger, UniqueId, _caller.Extension, user.Extension, binding.Target.ToString());
        }

        // The ACD keeps its own ring deadline; this one ends the ringing even if the ACD's cancel were lost.
        offer.RingTimer = _manager.Time.CreateTimer(
            _ => Post(() => OnAgentRingTimeout(offer)), null, ringTimeout, Timeout.InfiniteTimeSpan);
        if (offer.Direct)
        {
            StartRingback();
        }

        return true;
    }

    /// <summary>Call context: a 2xx from one of the offer's phones.</summary>
    internal void OnAgentAnswered(QueueAgentOffer offer, SipClientInvite invite, SipResponse response)
    {
        if (offer.State == QueueAgentOfferState.Withdrawn && offer.Dialog is { } ended && response.To?.Tag == ended.Id.RemoteTag)
        {
            // A retransmission of the 2xx of a phone we hung up already: its ACK again; the BYE has gone.
            Forget(SendAgentAckAsync(offer));
            return;
        }

        if (offer.State == QueueAgentOfferState.Withdrawn)
        {
            // The 2xx was posted before the offer was withdrawn (the fork's owners forward nothing after that):
            // the phone believes in a call nobody will join, so it is acknowledged and hung up (§15, §13.2.2.4).
            EndStrayAnswer(invite, response, offer.Fork!.Branches.FirstOrDefault(b => b.Invite == invite)?.Target ?? offer.Target);
            return;
        }

        var branch = offer.Fork!.OnSuccess(invite, response);
        if (branch is ForkAnswer.Ignore or ForkAnswer.Late)
        {
            return;
        }

        if (branch == ForkAnswer.Won)
        {
            offer.Invite = invite;
            offer.Target = offer.Fork.Winner!.Target;
        }

        if (offer.Dialog is null)
        {
            if (!offer.Invite!.TryCreateDialog(response, offer.Target!.Transport == SipTransport.Tls, out var dialog, out var reason))
            {
                CallLog.NoDialog(_manager.Logger, UniqueId, "agent", reason);
                return;
            }

            offer.Dialog = dialog;
            _manager.Dialogs.TryAdd(dialog.Id, this);
        }
        else if (!offer.Dialog.OnResponse(response))
        {
            return;
        }

        Forget(SendAgentAckAsync(offer));
        if (offer.State != QueueAgentOfferState.Ringing)
        {
            // A retransmission of the 2xx: its ACK went again above.
            return;
        }

        offer.RingTimer?.Dispose();
        if (!TryReadCalleeAnswer(response, out var selection))
        {
            CallLog.NoCommonCodec(_manager.Logger, UniqueId, "agent", "no usable answer in the 2xx");
            WithdrawAgentOffer(offer);
            ReportOfferFailed(offer, 488);
            return;
        }

        offer.Selection = selection;
        offer.State = QueueAgentOfferState.Answered;
        CallLog.AgentAnswered(_manager.Logger, UniqueId, offer.Extension);
        if (offer.Direct)
        {
            Join(offer);
        }
        else if (_manager.Acd?.OfferAnswered(offer.OfferId) != true)
        {
            WithdrawAgentOffer(offer);
        }
    }

    /// <summary>Call context: a phone of the offer failed; once all of them have, the offer has.</summary>
    internal void OnAgentFailed(QueueAgentOffer offer, SipClientInvite invite, SipClientResult result)
    {
        if (offer.State != QueueAgentOfferState.Ringing || offer.Fork!.OnFailure(invite, result) is not { } final)
        {
            return;
        }

        EndAgentOffer(offer);
        ReportOfferFailed(offer, final.Response?.StatusCode ?? 0);
    }

    private void OnAgentRingTimeout(QueueAgentOffer offer)
    {
        if (offer.State != QueueAgentOfferState.Ringing || !_agentOffers.ContainsKey(offer.OfferId))
        {
            return;
        }

        WithdrawAgentOffer(offer);
        ReportOfferFailed(offer, 408);
    }

    private void ReportOfferFailed(QueueAgentOffer offer, int status)
    {
        CallLog.AgentMissed(_manager.Logger, UniqueId, offer.Extension, status);
        if (offer.Direct)
        {
            HangUpQueueCaller("overflow target " + offer.Extension + " did not answer");
        }
        else
        {
            _manager.Acd?.OfferFailed(offer.OfferId, status);
        }
    }

    /// <summary>Call context: a request in the dialog of an agent's phone that answered but is not connected yet.
    /// Only a BYE means something here; the rest waits for the connect.</summary>
    private bool TryAgentDialogRequest(SipServerTransaction transaction)
    {
        if (_agentOffers.Count == 0 || !SipDialogId.TryFromRequest(transaction.Request, out var id))
        {
            return false;
        }

        QueueAgentOffer? offer = null;
        foreach (var candidate in _agentOffers.Values)
        {
            if (candidate.Dialog?.Id == id && candidate.State != QueueAgentOfferState.Connected)
            {
                offer = candidate;
                break;
            }
        }

        if (offer is null)
        {
            return false;
        }

        if (!transaction.Request.IsMethod(SipMethods.Bye))
        {
            // §14.1-style: the session is not established on our side yet; the phone may try again.
            CallManager.Respond(transaction, transaction.CreateResponse(491));
            return true;
        }

        CallManager.Respond(transaction, transaction.CreateResponse(200));
        offer.Dialog!.Terminate();
        _manager.Dialogs.TryRemove(offer.Dialog.Id, this);
        offer.State = QueueAgentOfferState.HungUp;
        return true;
    }

    /// <summary>The agent's answered leg becomes leg B: relay, CDR (answered by the agent's extension), CEL.</summary>
    private void Join(QueueAgentOffer offer)
    {
        // Its call-limit slot now belongs to the call and is given back when the call ends.
        offer.HoldsSlot = false;
        _agentOffers.Remove(offer.OfferId);
        offer.RingTimer?.Dispose();
        offer.State = QueueAgentOfferState.Connected;

        // Before the agent's leg is leg B: while the music plays to A, the relay drops what B sends.
        StopQueueMedia();
        _agentConnected = true;
        _calleeExtension = offer.Extension;
        _bFork = offer.Fork;
        _bDialog = offer.Dialog;
        _bTarget = offer.Target;
        _bSelection = offer.Selection;
        Configure(MediaLegSide.B, offer.Selection!);
        _legB = new CallLeg(BLegId, offer.Extension, MediaLegSide.B, offer.Dialog!, offer.Target!, offer.Target!.Flow ?? _aFlow, _bLocal!, _bVersion!, offer.Selection);
        _manager.Cdr?.Answer(new CallAnswered(UniqueId, _manager.Time.GetUtcNow(), BLegId, offer.Extension));
        Record(CelEventType.Answer, BLegId);
        Record(CelEventType.BridgeEnter, ALegId, "{\"queue\":\"" + _queue?.Name + "\"}");
        CallLog.AgentConnected(_manager.Logger, UniqueId, offer.Extension, _queue?.Name ?? string.Empty);
    }

    /// <summary>Stops an offer from our side: CANCEL for phones still ringing, BYE for one that answered.</summary>
    private void WithdrawAgentOffer(QueueAgentOffer offer)
    {
        offer.Fork?.CancelAll();
        if (offer.Dialog is { } dialog && dialog.State == SipDialogState.Confirmed)
        {
            Forget(SendByeAsync(dialog, offer.Target!));
            dialog.Terminate();
            _manager.Dialogs.TryRemove(dialog.Id, this);
        }

        EndAgentOffer(offer);
    }

    /// <summary>Forgets an offer that will not be connected: its timer, its call-limit slot, and its phones' INVITEs,
    /// whose owners keep what answering a 2xx that crosses our CANCEL needs (ACK and BYE, <see cref="CalleeLegOwner"/>).</summary>
    private void EndAgentOffer(QueueAgentOffer offer)
    {
        if (offer.State is QueueAgentOfferState.Ringing or QueueAgentOfferState.Answered)
        {
            offer.State = QueueAgentOfferState.Withdrawn;
        }

        _agentOffers.Remove(offer.OfferId);
        offer.RingTimer?.Dispose();
        if (offer.HoldsSlot)
        {
            offer.HoldsSlot = false;
            _manager.ReleaseSlot(offer.Extension);
        }

        offer.Fork?.Detach(offer.Dialog);
    }

    /// <summary>Ends the caller's leg with BYE, once the caller has acknowledged our 200 (§15: no BYE before it; the
    /// 200's own retransmission ends the call if no ACK ever comes).</summary>
    private void HangUpQueueCaller(string why)
    {
        if (_state != CallState.Answered)
        {
            return;
        }

        if (!_aAcked)
        {
            _queueByeTimer?.Dispose();
            _queueByeTimer = _manager.Time.CreateTimer(
                _ => Post(() => HangUpQueueCaller(why)), null, _manager.Options.Sip.Timers.T1, Timeout.InfiniteTimeSpan);
            return;
        }

        CallLog.QueueHangup(_manager.Logger, UniqueId, why);
        Hangup(HangupParty.System, byeCaller: true, byeCallee: true);
    }

    /// <summary>Call context, as the call finishes (<see cref="Finish"/>): every agent's phone still ringing for it
    /// is cancelled now (not when the ACD gets round to it), the ACD is told who hung up, and a caller who never
    /// reached anyone is recorded as not answered although the server answered it.</summary>
    private CallEnd EndQueueCall(CallEnd end)
    {
        if (_queue is null)
        {
            return end;
        }

        foreach (var offer in _agentOffers.Values.ToList())
        {
            WithdrawAgentOffer(offer);
        }

        _queueByeTimer?.Dispose();
        EndQueueMedia();
        EndCallbackLeg();
        if (_queued)
        {
            _queued = false;
            var hold = _holdTotal + (_holdStarted != 0 ? _manager.Time.GetElapsedTime(_holdStarted) : TimeSpan.Zero);
            if (_agentConnected && end.HungUpBy == HangupParty.Callee)
            {
                _manager.Acd?.AgentHungUp(QueueCallId, hold);
            }
            else
            {
                _manager.Acd?.CallerHungUp(QueueCallId, hold);
            }
        }

        if (!_callbackRequested && !_callbackPlaced)
        {
            _manager.SetCallbackQueue(QueueCallId, null);
        }

        // Reported before the call leaves the table: a command of the ACD that finds no call was sent before the ACD
        // read this report, and it ignores the answer it gets.
        _manager.RemoveQueueCall(this);
        return _agentConnected || end.Disposition != CdrDisposition.Answered
            ? end
            : new CallEnd(CdrDispositions.ForUnansweredCause(Q850.NormalClearing), Q850.NormalClearing, end.SipStatus, end.HungUpBy);
    }

    private void EndStrayAnswer(SipClientInvite invite, SipResponse response, SipTarget? target)
    {
        if (target is null || !invite.TryCreateDialog(response, target.Transport == SipTransport.Tls, out var stray, out _))
        {
            return;
        }

        Forget(_manager.Invites.SendAckAsync(stray.CreateAck(stray.CreatingSequence), target).AsTask());
        Forget(SendByeAsync(stray, target));
        stray.Terminate();
    }

    private async Task SendAgentAckAsync(QueueAgentOffer offer)
    {
        var ack = offer.Dialog!.CreateAck(offer.Dialog.CreatingSequence);
        var result = await _manager.Invites.SendAckAsync(ack, offer.Target!).ConfigureAwait(false);
        if (result != SipSendResult.Sent)
        {
            CallLog.SendFailed(_manager.Logger, UniqueId, "ACK", result.ToString());
        }
    }
}
