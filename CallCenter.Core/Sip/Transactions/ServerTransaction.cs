using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// What the INVITE and non-INVITE server state machines share: the request, its flow and route back, the keys it is
/// filed under, its timers, and <see cref="Respond"/>, which is the one member called off the shard.
/// </summary>
internal abstract class ServerTransaction : SipServerTransaction, ISipTransaction
{
    private const int NoFinal = 0;
    private const int SuccessGiven = 2;
    private const int FailureGiven = 3;
    private const int DiscardGiven = 4;

    private int _finalGiven;
    private long _guard = -1;

    // Created when a timer is first armed: most non-INVITE transactions over UDP never arm one (Timer J lives in
    // the shard's CompletedTransactions, the Unanswered guard in its GuardDeadlines).
    private TransactionTimers? _timers;

    protected ServerTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SipFlow flow, SipTimerOptions timers)
    {
        Layer = layer;
        Shard = shard;
        Request = request;
        Flow = flow;
        TimerOptions = timers;
        Route = ForResponse(request, flow);
        var via = request.TopVia!;
        if (via.HasRfc3261Branch)
        {
            Key = ServerTransactionKey.Of(via, request.Method);
        }
        else
        {
            LegacyKey = LegacyServerTransactionKey.Of(request, request.Method);
        }
    }

    public abstract SipTransactionKind Kind { get; }

    public override SipRequest Request { get; }

    public override SipFlow Flow { get; }

    public override bool HasFinalResponse => Volatile.Read(ref _finalGiven) != NoFinal;

    public SipShard Shard { get; }

    public override int Backlog => Shard.Depth;

    public bool IsTerminated { get; private set; }

    /// <summary>Shard: the TU discarded the transaction; it answers nothing, not even retransmissions.</summary>
    public bool IsSilenced { get; private set; }

    public SendRoute Route { get; set; }

    public ServerTransactionKey? Key { get; }

    public LegacyServerTransactionKey? LegacyKey { get; }

    /// <summary>The To tag of the last response sent: the RFC 2543 ACK must carry it (§17.2.3), and the 200 for a
    /// CANCEL should repeat it (§9.2).</summary>
    public string? ResponseToTag { get; protected set; }

    /// <summary>Set once the TU has been given the transaction: only then is it told of failures (a CANCEL's
    /// transaction, or an INVITE whose 100 could not be sent, is the layer's own business).</summary>
    public bool IsDelivered { get; set; }

    protected SipTransactionLayer Layer { get; }

    protected TransactionTimers Timers => _timers ??= new TransactionTimers(Layer, this);

    protected SipTimerOptions TimerOptions { get; }

    protected bool IsReliable => Route.IsReliable;

    /// <summary>
    /// Any thread. The builder is serialized and checked here (as the parser would check what the TU wrote, without
    /// parsing the response back), on the caller's thread, so a TU bug surfaces at its call rather than on the shard. A final response after a final response is refused here too, except that an
    /// INVITE's 2xx may be repeated: RFC 6026 §8.5 leaves 2xx retransmission to the TU, through the transaction.
    /// </summary>
    public override void Respond(SipMessageBuilder response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var built = response.BuildOutgoingResponse();
        if (built.StatusCode >= 200)
        {
            var kind = built.IsSuccess ? SuccessGiven : FailureGiven;
            var previous = Interlocked.CompareExchange(ref _finalGiven, kind, NoFinal);
            if (previous != NoFinal && !(IsInvite && previous == SuccessGiven && kind == SuccessGiven))
            {
                Layer.SecondFinalResponse(this, built);
                return;
            }
        }

        if (!Shard.TryPost(ShardWork.Respond(this, built)))
        {
            Layer.ResponseNotQueued(this, built);
        }
    }

    /// <summary>Any thread: see <see cref="SipServerTransaction.AckReceived"/>. Lost if the mailbox is full; Timer L
    /// then ends the transaction as it would have anyway.</summary>
    public override void AckReceived()
    {
        if (IsInvite && Volatile.Read(ref _finalGiven) == SuccessGiven)
        {
            Shard.TryPost(ShardWork.AckReceived(this));
        }
    }

    /// <summary>Shard: the INVITE state machine's part of <see cref="AckReceived"/>.</summary>
    public virtual void OnAckReceived()
    {
    }

    /// <summary>Any thread. Wins only if no final response was given; the shard then silences the transaction.</summary>
    public override void Discard()
    {
        if (Interlocked.CompareExchange(ref _finalGiven, DiscardGiven, NoFinal) != NoFinal)
        {
            return;
        }

        if (!Shard.TryPost(ShardWork.Discard(this)))
        {
            Layer.DiscardNotQueued(this);
        }
    }

    /// <summary>Shard: from now on nothing is sent; the transaction lingers 64·T1 over UDP (the client's Timer B/F)
    /// so that retransmissions find it and are absorbed, and ends at once over a reliable transport.</summary>
    public void OnDiscard()
    {
        IsSilenced = true;
        _timers?.DisarmAll();
        ClearGuard();
        if (IsReliable)
        {
            Terminate();
        }
        else if (!IsInvite && Key is not null)
        {
            Retire();
            Layer.KeepCompleted(this, [], 64 * TimerOptions.T1, silenced: true);
        }
        else
        {
            Timers.Arm(TimerSlot.Deadline, SipTimerName.Discarded, 64 * TimerOptions.T1);
        }
    }

    /// <summary>Shard: the TU's response reaches the state machine.</summary>
    public abstract void OnResponse(SipOutgoingResponse response);

    /// <summary>Shard: a retransmission of the request arrived (§17.2.1, §17.2.2).</summary>
    public abstract void OnRetransmission();

    public void OnTimer(TransactionTimer timer)
    {
        if (IsTerminated || _timers is null || !_timers.TryClaim(timer))
        {
            Layer.TransactionCounters.StaleTimer();
            return;
        }

        if (timer.Name == SipTimerName.Discarded)
        {
            Terminate();
            return;
        }

        OnTimer(timer.Name);
    }

    public virtual void OnTransportError(SipSendResult result) => Fail(SipTransactionFailure.TransportError);

    /// <summary>Shard, on start of the layer's shutdown: nothing owes the TU anything any more.</summary>
    public void Stop() => Terminate();

    protected abstract void OnTimer(SipTimerName name);

    /// <summary>Shard: the guard set by <see cref="SetGuard"/> ran out with nothing having cleared it.</summary>
    public virtual void OnGuardExpired()
    {
    }

    /// <summary>Arms the layer's shared 64·T1 guard for this transaction (see <see cref="GuardDeadlines"/>).</summary>
    protected void SetGuard()
    {
        ClearGuard();
        _guard = Layer.SetGuard(this, 64 * TimerOptions.T1);
    }

    protected void ClearGuard()
    {
        if (_guard >= 0)
        {
            Shard.Guards.Clear(_guard);
            _guard = -1;
        }
    }

    protected void Send(SipOutgoingResponse response, bool retransmission)
    {
        if (response.ToTag is { } tag)
        {
            ResponseToTag = tag;
        }

        Layer.SendResponse(this, response, retransmission);
    }

    protected void Terminate()
    {
        if (IsTerminated)
        {
            return;
        }

        IsTerminated = true;
        _timers?.DisarmAll();
        ClearGuard();
        Layer.Forget(this);
    }

    /// <summary>Ends the state machine without leaving the table: the layer moves what is left of it elsewhere
    /// (<see cref="SipTransactionLayer.KeepCompleted"/>), and counts its end there.</summary>
    protected void Retire()
    {
        IsTerminated = true;
        _timers?.DisarmAll();
        ClearGuard();
    }

    protected void Fail(SipTransactionFailure failure)
    {
        if (IsTerminated)
        {
            return;
        }

        Terminate();
        Layer.ServerTransactionFailed(this, failure);
    }

    /// <summary>§18.2.2: a response goes back on the request's flow; over TCP/TLS, if that connection is gone, to the
    /// source address with the port of the Via sent-by (or the transport's default). UDP answers the packet's source
    /// (RFC 3581 symmetric response, which is also what a phone behind NAT needs), so it has no fallback.</summary>
    private static SendRoute ForResponse(SipRequest request, SipFlow flow)
    {
        if (!flow.IsStream)
        {
            return new SendRoute(flow, SipTransport.Udp, null, null);
        }

        var via = request.TopVia!;
        var port = via.Port ?? (flow.Transport == SipTransport.Tls ? 5061 : 5060);
        var host = via.Host.Trim('[', ']');
        var tlsHost = System.Net.IPAddress.TryParse(host, out _) ? null : host;
        return new SendRoute(flow, flow.Transport, new System.Net.IPEndPoint(flow.Remote.Address, port), tlsHost);
    }
}
