using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The non-INVITE server transaction of RFC 3261 §17.2.2. Shard context, except <see cref="ServerTransaction.Respond"/>.
/// <code>
///  Trying     --request again--> absorbed (nothing to send yet)
///  Trying, Proceeding --1xx--> Proceeding ; request again: resend the last provisional
///  Trying, Proceeding --200-699--> Completed [J = 64·T1 UDP, 0 reliable] ; request again: resend the final
///  Completed  --J--> Terminated
/// </code>
/// The layer adds one guard the RFC leaves out: a request the TU has not answered after 64·T1 is dropped, since its
/// client gave up at Timer F and RFC 4320 §4.1 forbids answering it 408. It bounds what a TU bug can leak.
/// </summary>
internal sealed class ServerNonInviteTransaction : ServerTransaction
{
    private State _state = State.Trying;
    private SipOutgoingResponse? _last;

    public ServerNonInviteTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SipFlow flow, SipTimerOptions timers)
        : base(layer, shard, request, flow, timers)
    {
    }

    private enum State
    {
        Trying,
        Proceeding,
        Completed,
    }

    public override SipTransactionKind Kind => SipTransactionKind.ServerNonInvite;

    public void Begin() => SetGuard();

    public override void OnResponse(SipOutgoingResponse response)
    {
        if (_state == State.Completed)
        {
            Layer.ResponseIgnored(this, response);
            return;
        }

        _last = response;
        if (response.IsProvisional)
        {
            _state = State.Proceeding;
            Send(response, retransmission: false);
            return;
        }

        _state = State.Completed;
        ClearGuard();
        if (IsReliable)
        {
            // Timer J is zero on a reliable transport: no retransmission will come to absorb.
            Send(response, retransmission: false);
            Terminate();
            return;
        }

        if (Key is null)
        {
            // RFC 2543 peers are rare: their transactions keep the object and its Timer J.
            Timers.Arm(TimerSlot.Linger, SipTimerName.J, 64 * TimerOptions.T1);
            Send(response, retransmission: false);
            return;
        }

        Send(response, retransmission: false);
        if (!IsTerminated)
        {
            // What Timer J still needs (key, final bytes, flow) moves to the shard's compact store; this object,
            // with its parsed request and response, is free from here on.
            _last = null;
            Retire();
            Layer.KeepCompleted(this, response.Bytes.Span, 64 * TimerOptions.T1, silenced: false);
        }
    }

    public override void OnRetransmission()
    {
        Layer.TransactionCounters.RetransmissionAbsorbed();
        if (_last is not null)
        {
            Send(_last, retransmission: true);
        }
    }

    public override void OnGuardExpired()
    {
        if (!IsTerminated && _state != State.Completed)
        {
            Layer.Unanswered(this);
            Terminate();
        }
    }

    protected override void OnTimer(SipTimerName name)
    {
        switch (name)
        {
            case SipTimerName.J:
                Terminate();
                break;

            default:
                Layer.TransactionCounters.StaleTimer();
                break;
        }
    }
}
