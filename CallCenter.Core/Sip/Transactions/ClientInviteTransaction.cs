using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The INVITE client transaction of RFC 3261 §17.1.1 with RFC 6026's Accepted state. Shard context, except
/// <see cref="PostCancel"/>.
/// <code>
///  Calling [A = T1 doubling, UDP only; B = 64·T1] --1xx--> Proceeding (A and B stop: the TU now decides)
///  Calling, Proceeding --2xx--> Accepted [M = 64·T1; after 2 s only the key, owner and handle are kept, in the
///                                 shard's AcceptedInvites]: every 2xx goes to the owner
///  Calling, Proceeding --300-699--> Completed [D = 32 s UDP, 0 reliable]: ACK sent, owner told;
///                                   the final response again: the ACK again
///  Calling --B or transport error--> Terminated, owner told
/// </code>
/// Timer A is not capped at T2 (§17.1.1.2: it doubles until B), unlike E and G.
/// </summary>
internal sealed class ClientInviteTransaction : ClientTransaction
{
    private static readonly TimeSpan MinimumTimerD = TimeSpan.FromSeconds(32);

    /// <summary>How long after the 2xx the INVITE and this transaction are kept for the owner (who reads the INVITE
    /// once, right away, to make its dialog) before they are let go for the rest of Timer M: a 2xx after that makes
    /// its dialog from the 2xx alone (<see cref="SipClientInvite.TryCreateDialog"/>). At 2,000 calls/s the INVITE's
    /// bytes held for 32 s were 60,000 kilobyte arrays, the largest share of what every young collection had to keep;
    /// then the transactions themselves (<see cref="LingeringClients"/>).</summary>
    private static readonly TimeSpan AcceptedTrimAfter = TimeSpan.FromSeconds(2);

    private readonly ISipInviteOwner _owner;
    private State _state = State.Calling;
    private TimeSpan _timerA;
    private SipRequest? _ack;
    private bool _cancelWanted;
    private bool _cancelSent;
    private bool _ownerDone;

    public ClientInviteTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SendRoute route, SipTimerOptions timers, ISipInviteOwner owner, SipTarget target)
        : base(layer, shard, request, route, timers)
    {
        _owner = owner;
        Handle = new SipClientInvite(this, target);
    }

    private enum State
    {
        Calling,
        Proceeding,
        Completed,
        Accepted,
    }

    public override SipTransactionKind Kind => SipTransactionKind.ClientInvite;

    public SipClientInvite Handle { get; }

    public override void Start()
    {
        Timers.Arm(TimerSlot.Deadline, SipTimerName.B, 64 * TimerOptions.T1);
        if (!IsReliable)
        {
            _timerA = TimerOptions.T1;
            Timers.Arm(TimerSlot.Retransmit, SipTimerName.A, _timerA);
        }

        Send(Request, retransmission: false);
    }

    /// <summary>Any thread: <see cref="SipClientInvite.Cancel"/> hands over to the shard.</summary>
    public void PostCancel()
    {
        if (!Shard.TryPost(ShardWork.CancelInvite(this)))
        {
            Layer.CancelNotQueued(this);
        }
    }

    /// <summary>Shard: §9.1 — wait for a provisional, and send nothing once a final response came.</summary>
    public void OnCancelRequested()
    {
        if (IsTerminated)
        {
            return;
        }

        switch (_state)
        {
            case State.Calling:
                _cancelWanted = true;
                break;

            case State.Proceeding:
                SendCancel();
                break;

            default:
                break;
        }
    }

    public override void OnResponse(SipResponse response)
    {
        switch (_state)
        {
            case State.Calling or State.Proceeding when response.IsProvisional:
                if (_state == State.Calling)
                {
                    // §17.1.1.2: a provisional stops retransmission, and Timer B guards the Calling state only.
                    _state = State.Proceeding;
                    Timers.Disarm(TimerSlot.Retransmit);
                    Timers.Disarm(TimerSlot.Deadline);
                }

                Layer.Notify(this, () => _owner.OnProvisional(Handle, response));
                if (_cancelWanted && !_cancelSent && !IsTerminated && _state == State.Proceeding)
                {
                    SendCancel();
                }

                break;

            case State.Calling or State.Proceeding when response.IsSuccess:
                _state = State.Accepted;
                Timers.DisarmAll();
                Timers.Arm(TimerSlot.Deadline, SipTimerName.M, 64 * TimerOptions.T1);
                Timers.Arm(TimerSlot.Linger, SipTimerName.AcceptedTrim, AcceptedTrimAfter);
                Layer.Notify(this, () => _owner.OnSuccess(Handle, response));
                break;

            case State.Calling or State.Proceeding:
                _state = State.Completed;
                Timers.DisarmAll();
                _ack = TransactionRequests.Ack(Request, response);
                if (!IsReliable)
                {
                    Timers.Arm(TimerSlot.Linger, SipTimerName.D, TimerOptions.T1 * 64 > MinimumTimerD ? TimerOptions.T1 * 64 : MinimumTimerD);
                }

                Send(_ack, retransmission: false);
                Finish(SipClientResult.Of(response));
                if (IsReliable)
                {
                    Terminate();
                }

                break;

            case State.Accepted when response.IsSuccess:
                // RFC 6026 §7.2: retransmitted 2xx, and the 2xx of other forks, all go to the owner.
                Layer.Notify(this, () => _owner.OnSuccess(Handle, response));
                break;

            case State.Completed when !response.IsProvisional && !response.IsSuccess:
                // §17.1.1.2: the server did not get the ACK; it goes again, without bothering the owner.
                Layer.TransactionCounters.RetransmissionAbsorbed();
                Send(_ack!, retransmission: true);
                break;

            default:
                Layer.TransactionCounters.RetransmissionAbsorbed();
                break;
        }
    }

    public override void OnTransportError(SipSendResult result)
    {
        // An ACK that cannot be sent changes nothing for the owner, who already has the final response.
        if (_state is State.Calling or State.Proceeding)
        {
            Finish(SipClientResult.Failed(SipClientFailure.TransportError));
        }

        Terminate();
    }

    public override void Abandon(SipClientFailure failure)
    {
        if (_state is State.Calling or State.Proceeding)
        {
            Finish(SipClientResult.Failed(failure));
        }

        Terminate();
    }

    protected override void OnTimer(SipTimerName name)
    {
        switch (name)
        {
            case SipTimerName.A when _state == State.Calling:
                _timerA += _timerA;
                Timers.Arm(TimerSlot.Retransmit, SipTimerName.A, _timerA);
                Send(Request, retransmission: true);
                break;

            case SipTimerName.B when _state == State.Calling:
            case SipTimerName.CancelGuard when _state == State.Proceeding:
                Layer.TimedOut(this, name);
                Finish(SipClientResult.Failed(SipClientFailure.Timeout));
                Terminate();
                break;

            case SipTimerName.D:
            case SipTimerName.M:
                Terminate();
                break;

            case SipTimerName.AcceptedTrim when _state == State.Accepted:
                // Nothing is sent from Accepted (the TU ACKs each 2xx itself), and the INVITE is only read by the owner
                // while it takes the first 2xx, which is long done: the rest of Timer M needs only the key, the owner
                // and its handle, which the shard keeps without this object.
                Handle.Detach();
                Linger(Shard.AcceptedInvites, (64 * TimerOptions.T1) - AcceptedTrimAfter, _owner, Handle);
                break;

            default:
                Layer.TransactionCounters.StaleTimer();
                break;
        }
    }

    private void SendCancel()
    {
        _cancelSent = true;

        // §9.1: if the CANCEL draws no final response to the INVITE within 64·T1, the INVITE is given up.
        Timers.Arm(TimerSlot.Deadline, SipTimerName.CancelGuard, 64 * TimerOptions.T1);
        Layer.StartCancel(this, TransactionRequests.Cancel(Request));
    }

    private void Finish(SipClientResult result)
    {
        if (_ownerDone)
        {
            return;
        }

        _ownerDone = true;
        Layer.Notify(this, () => _owner.OnFailure(Handle, result));
    }
}
