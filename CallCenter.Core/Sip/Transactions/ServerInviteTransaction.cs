using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The INVITE server transaction of RFC 3261 §17.2.1 with RFC 6026's Accepted state. Shard context, except
/// <see cref="ServerTransaction.Respond"/>.
/// <code>
///  Proceeding --1xx--> (send) Proceeding ; INVITE again: resend the last provisional (the 100 at first)
///  Proceeding --2xx--> Accepted  [L = 64·T1]   INVITE again: absorbed; ACK: to the TU; 2xx from TU: sent
///  Proceeding --300-699--> Completed  [G = T1 doubling to T2, UDP only; H = 64·T1]
///  Completed  --ACK--> Confirmed [I = T4 UDP, 0 reliable] ; INVITE again: resend the final response
///  Completed  --H--> Terminated, TU told ; Confirmed --I--> Terminated ; Accepted --L--> Terminated
/// </code>
/// </summary>
internal sealed class ServerInviteTransaction : ServerTransaction
{
    private State _state = State.Proceeding;
    private SipOutgoingResponse? _provisional;
    private SipOutgoingResponse? _final;
    private TimeSpan _timerG;

    public ServerInviteTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SipFlow flow, SipTimerOptions timers)
        : base(layer, shard, request, flow, timers)
    {
    }

    private enum State
    {
        Proceeding,
        Completed,
        Confirmed,
        Accepted,
    }

    public override SipTransactionKind Kind => SipTransactionKind.ServerInvite;

    /// <summary>Shard, as the transaction is created: the guard on a TU that never answers.</summary>
    public void Begin() =>
        Timers.Arm(TimerSlot.Deadline, SipTimerName.InviteUnanswered, SipTransactionLayer.InviteAnswerLimit);

    /// <summary>§17.2.1: the 100 goes out as soon as the TU has been asked, unless it answered finally while it was
    /// asked (a 407 challenge, a 404, a 486): the final response then follows at once and a 100 before it would only
    /// cost a datagram each way. The TU is asked inline, so this is microseconds after the INVITE, not the 200 ms
    /// the RFC allows (Kamailio and Asterisk likewise send it at once).</summary>
    public void SendTrying(SipOutgoingResponse trying)
    {
        if (_state != State.Proceeding || _provisional is not null)
        {
            return;
        }

        _provisional = trying;
        Send(trying, retransmission: false);
    }

    public override void OnResponse(SipOutgoingResponse response)
    {
        switch (_state)
        {
            case State.Proceeding when response.IsProvisional:
                _provisional = response;
                Send(response, retransmission: false);
                break;

            case State.Proceeding when response.IsSuccess:
                _state = State.Accepted;
                Timers.Disarm(TimerSlot.Deadline);
                _final = response;
                Timers.Arm(TimerSlot.Deadline, SipTimerName.L, 64 * TimerOptions.T1);
                Send(response, retransmission: false);
                break;

            case State.Proceeding:
                _state = State.Completed;
                Timers.Disarm(TimerSlot.Deadline);
                _final = response;
                if (!IsReliable)
                {
                    _timerG = TimerOptions.T1;
                    Timers.Arm(TimerSlot.Retransmit, SipTimerName.G, _timerG);
                }

                Timers.Arm(TimerSlot.Deadline, SipTimerName.H, 64 * TimerOptions.T1);
                Send(response, retransmission: false);
                break;

            case State.Accepted when response.IsSuccess:
                // RFC 6026 §8.5: the TU retransmits its 2xx (§13.3.1.4) through the Accepted transaction.
                Send(response, retransmission: true);
                break;

            default:
                Layer.ResponseIgnored(this, response);
                break;
        }
    }

    public override void OnRetransmission()
    {
        Layer.TransactionCounters.RetransmissionAbsorbed();
        switch (_state)
        {
            case State.Proceeding when _provisional is not null:
                Send(_provisional, retransmission: true);
                break;

            case State.Completed:
                Send(_final!, retransmission: true);
                break;

            default:
                // Confirmed: the ACK came, the client has its answer. Accepted: RFC 6026 §8.1 absorbs the INVITE
                // without passing it up; 2xx retransmission is the TU's.
                break;
        }
    }

    /// <summary>An ACK matched this transaction (§17.2.3: same branch and sent-by, or the RFC 2543 fields).</summary>
    public void OnAck(SipRequest ack, SipFlow flow)
    {
        switch (_state)
        {
            case State.Completed:
                _state = State.Confirmed;
                Timers.Disarm(TimerSlot.Retransmit);
                Timers.Disarm(TimerSlot.Deadline);
                if (IsReliable)
                {
                    Terminate();
                }
                else if (Key is not null)
                {
                    // Confirmed only absorbs ACKs for T4: the shard's compact store does that, the parsed INVITE and
                    // its final response are freed now.
                    _provisional = null;
                    _final = null;
                    Retire();
                    Layer.KeepCompleted(this, [], TimerOptions.T4, silenced: true);
                }
                else
                {
                    Timers.Arm(TimerSlot.Linger, SipTimerName.I, TimerOptions.T4);
                }

                break;

            case State.Accepted:
                // RFC 6026 §8.2: an ACK in Accepted is for the 2xx and belongs to the dialog.
                Layer.PassAck(ack, flow);
                OnAckReceived();
                break;

            default:
                Layer.TransactionCounters.RetransmissionAbsorbed();
                break;
        }
    }

    /// <summary>Shard: the 2xx has its ACK. The TU stops retransmitting its 2xx, so what is left of Timer L only
    /// absorbs retransmitted INVITEs: over UDP the compact store does that without the parsed messages.</summary>
    public override void OnAckReceived()
    {
        if (_state != State.Accepted || IsReliable || Key is null)
        {
            return;
        }

        _provisional = null;
        _final = null;
        Retire();
        Layer.KeepCompleted(this, [], 64 * TimerOptions.T1, silenced: true);
    }

    protected override void OnTimer(SipTimerName name)
    {
        switch (name)
        {
            case SipTimerName.G when _state == State.Completed:
                // §17.2.1: T1, 2·T1, 4·T1 ... never above T2.
                _timerG = TimeSpan.FromTicks(Math.Min(2 * _timerG.Ticks, TimerOptions.T2.Ticks));
                Timers.Arm(TimerSlot.Retransmit, SipTimerName.G, _timerG);
                Send(_final!, retransmission: true);
                break;

            case SipTimerName.H when _state == State.Completed:
                Layer.TimedOut(this, name);
                Fail(SipTransactionFailure.Timeout);
                break;

            case SipTimerName.InviteUnanswered when _state == State.Proceeding:
                Layer.InviteUnanswered(this);
                break;

            case SipTimerName.I:
            case SipTimerName.L:
                Terminate();
                break;

            default:
                Layer.TransactionCounters.StaleTimer();
                break;
        }
    }
}
