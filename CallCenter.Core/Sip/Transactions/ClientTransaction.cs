using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>What the INVITE and non-INVITE client state machines share. Shard context throughout: a client
/// transaction is built on the caller's thread but only touched after its <see cref="ShardWorkKind.StartClient"/>
/// item reaches the shard.</summary>
internal abstract class ClientTransaction : ISipTransaction
{
    private SipRequest? _request;

    protected ClientTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SendRoute route, SipTimerOptions timers)
    {
        Layer = layer;
        Shard = shard;
        _request = request;
        Route = route;
        TimerOptions = timers;
        Timers = new TransactionTimers(layer, this);
        Key = new ClientTransactionKey(request.TopVia!.Branch!, request.CSeq!.Value.Method);
        CallId = request.CallId!;
    }

    /// <summary>The request's Call-ID, kept when the request is let go (for log lines).</summary>
    public string CallId { get; }

    /// <summary>The request as sent if the transaction still holds it, else null. Any thread.</summary>
    public SipRequest? HeldRequest => Volatile.Read(ref _request);

    public abstract SipTransactionKind Kind { get; }

    public SipShard Shard { get; }

    public bool IsTerminated { get; private set; }

    public SendRoute Route { get; set; }

    /// <summary>The request as sent. Any thread. A transaction that lingers with nothing left to send, and whose owner
    /// has all it needs, lets go of it (<see cref="ReleaseRequest"/>); this then throws, as the bug it would be to ask.</summary>
    public SipRequest Request => Volatile.Read(ref _request) ?? throw new InvalidOperationException("This transaction has let go of its request.");

    public ClientTransactionKey Key { get; }

    /// <summary>Set when the request could not even be addressed (see SipTransactionLayer.Prepare): the
    /// transaction ends with it as soon as it reaches its shard.</summary>
    public SipClientFailure StartFailure { get; init; }

    protected SipTransactionLayer Layer { get; }

    protected TransactionTimers Timers { get; }

    protected SipTimerOptions TimerOptions { get; }

    protected bool IsReliable => Route.IsReliable;

    /// <summary>Shard: file the transaction and send the request.</summary>
    public abstract void Start();

    /// <summary>Shard: a response whose top Via branch and CSeq method are this transaction's (§17.1.3).</summary>
    public abstract void OnResponse(SipResponse response);

    /// <summary>Shard: the layer is stopping, or the transaction never got to start.</summary>
    public abstract void Abandon(SipClientFailure failure);

    public abstract void OnTransportError(SipSendResult result);

    public void OnTimer(TransactionTimer timer)
    {
        if (IsTerminated || !Timers.TryClaim(timer))
        {
            Layer.TransactionCounters.StaleTimer();
            return;
        }

        OnTimer(timer.Name);
    }

    protected abstract void OnTimer(SipTimerName name);

    /// <summary>Shard: keep nothing of the request — for a state that never sends it again and whose owner has its
    /// result (an answered INVITE for the rest of Timer M, a completed non-INVITE for Timer K). Held that long by
    /// every call, the requests were the largest share of what each young collection kept (bench/RESULTS.md).</summary>
    protected void ReleaseRequest() => Volatile.Write(ref _request, null);

    protected void Send(SipRequest request, bool retransmission) => Layer.SendRequest(this, request, retransmission);

    /// <summary>Shard: the state machine is done but its lingering timer is not. The transaction ends here and its
    /// key (with the owner, for an INVITE) goes to one of the shard's <see cref="LingeringClients"/> stores for the
    /// rest of the timer; it counts as alive until the entry leaves.</summary>
    protected void Linger(LingeringClients store, TimeSpan linger, ISipInviteOwner? owner = null, SipClientInvite? invite = null)
    {
        if (IsTerminated)
        {
            return;
        }

        IsTerminated = true;
        Timers.DisarmAll();
        ReleaseRequest();
        Layer.KeepLingering(this, store, linger, owner, invite);
    }

    protected void Terminate()
    {
        if (IsTerminated)
        {
            return;
        }

        IsTerminated = true;
        Timers.DisarmAll();
        Layer.Forget(this);
    }
}
