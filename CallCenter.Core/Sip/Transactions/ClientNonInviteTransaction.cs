using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The non-INVITE client transaction of RFC 3261 §17.1.2. Shard context.
/// <code>
///  Trying     [E = T1 doubling to T2, UDP only; F = 64·T1]  --1xx--> Proceeding (E fires at T2 from then on)
///  Trying, Proceeding --200-699--> Completed [K = T4 UDP, 0 reliable]: result delivered, retransmissions absorbed
///  Trying, Proceeding --F or transport error--> Terminated: Timeout / TransportError delivered
/// </code>
/// The result completes a task whose continuations run off the shard. Completed over UDP keeps nothing but its key, in
/// the shard's <see cref="SipShard.CompletedNonInvites"/> for Timer K: the transaction, its request and the promise
/// (which holds the response) are let go as the result is delivered. A census at 2,000 calls/s found 9,500
/// completed BYE transactions held for the 5 s of Timer K, a fifth of what each young collection had to copy.
/// </summary>
internal sealed class ClientNonInviteTransaction : ClientTransaction
{
    private TaskCompletionSource<SipClientResult>? _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State _state = State.Trying;
    private TimeSpan _timerE;

    public ClientNonInviteTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SendRoute route, SipTimerOptions timers)
        : base(layer, shard, request, route, timers)
    {
    }

    private enum State
    {
        Trying,
        Proceeding,
        Completed,
    }

    public override SipTransactionKind Kind => SipTransactionKind.ClientNonInvite;

    /// <summary>The promise of the result: taken once, before the transaction starts.</summary>
#pragma warning disable VSTHRD003 // The task is this transaction's own promise; its continuations run asynchronously.
    public Task<SipClientResult> Completion => _completion?.Task ?? throw new InvalidOperationException("The result was delivered already.");
#pragma warning restore VSTHRD003

    public override void Start()
    {
        Timers.Arm(TimerSlot.Deadline, SipTimerName.F, 64 * TimerOptions.T1);
        if (!IsReliable)
        {
            _timerE = TimerOptions.T1;
            Timers.Arm(TimerSlot.Retransmit, SipTimerName.E, _timerE);
        }

        Send(Request, retransmission: false);
    }

    public override void OnResponse(SipResponse response)
    {
        if (_state == State.Completed)
        {
            Layer.TransactionCounters.RetransmissionAbsorbed();
            return;
        }

        if (response.IsProvisional)
        {
            // §17.1.2.2: provisional responses go to the TU; ISipClient's TUs have no use for them.
            _state = State.Proceeding;
            return;
        }

        _state = State.Completed;
        Timers.Disarm(TimerSlot.Retransmit);
        Timers.Disarm(TimerSlot.Deadline);
        Deliver(SipClientResult.Of(response));
        ReleaseRequest();
        if (IsReliable)
        {
            Terminate();
        }
        else
        {
            Linger(Shard.CompletedNonInvites, TimerOptions.T4);
        }
    }

    public override void OnTransportError(SipSendResult result)
    {
        if (_state != State.Completed)
        {
            Deliver(SipClientResult.Failed(SipClientFailure.TransportError));
        }

        Terminate();
    }

    public override void Abandon(SipClientFailure failure)
    {
        Deliver(SipClientResult.Failed(failure));
        Terminate();
    }

    protected override void OnTimer(SipTimerName name)
    {
        switch (name)
        {
            case SipTimerName.E when _state != State.Completed:
                // §17.1.2.2: in Trying the interval doubles up to T2; once a provisional came it is T2.
                _timerE = _state == State.Trying ? TimeSpan.FromTicks(Math.Min(2 * _timerE.Ticks, TimerOptions.T2.Ticks)) : TimerOptions.T2;
                Timers.Arm(TimerSlot.Retransmit, SipTimerName.E, _timerE);
                Send(Request, retransmission: true);
                break;

            case SipTimerName.F when _state != State.Completed:
                Layer.TimedOut(this, name);
                Deliver(SipClientResult.Failed(SipClientFailure.Timeout));
                Terminate();
                break;

            default:
                Layer.TransactionCounters.StaleTimer();
                break;
        }
    }

    private void Deliver(SipClientResult result)
    {
        _completion?.TrySetResult(result);
        _completion = null;
    }
}
