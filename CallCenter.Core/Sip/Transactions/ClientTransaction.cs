using System.Runtime.CompilerServices;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>What the INVITE and non-INVITE client state machines share. Shard context throughout: a client
/// transaction is built on the caller's thread but only touched after its <see cref="ShardWorkKind.StartClient"/>
/// item reaches the shard.</summary>
internal abstract class ClientTransaction : ISipTransaction
{
    // Boxed so that letting go of the bytes (shard) and reading them (an owner, any thread) is one reference write
    // and read: a ReadOnlyMemory field could be read torn.
    private StrongBox<ReadOnlyMemory<byte>>? _requestBytes;
    private SipRequest? _request;

    protected ClientTransaction(SipTransactionLayer layer, SipShard shard, SipRequest request, SendRoute route, SipTimerOptions timers)
    {
        Layer = layer;
        Shard = shard;
        _request = request;
        _requestBytes = new StrongBox<ReadOnlyMemory<byte>>(request.Bytes);
        Route = route;
        TimerOptions = timers;
        Timers = new TransactionTimers(layer, this);
        Key = new ClientTransactionKey(request.TopVia!.Branch!, request.CSeq!.Value.Method);
        CallId = request.CallId!;
    }

    /// <summary>The request's Call-ID, kept when the request is let go (for log lines).</summary>
    public string CallId { get; }

    /// <summary>The request as sent if the transaction still holds it (parsed or as bytes), else null.</summary>
    public SipRequest? HeldRequest => Volatile.Read(ref _request) ?? (Volatile.Read(ref _requestBytes) is { } bytes ? ParseAgain(bytes) : null);

    public abstract SipTransactionKind Kind { get; }

    public SipShard Shard { get; }

    public bool IsTerminated { get; private set; }

    public SendRoute Route { get; set; }

    /// <summary>The request as sent. Any thread. A transaction that lingers with nothing left to send lets go of the
    /// parsed form (<see cref="ReleaseParsedRequest"/>), and it is parsed again from the bytes that were sent if
    /// asked for; one whose owner has all it needs lets go of the bytes too (<see cref="ReleaseRequest"/>), and then
    /// this throws.</summary>
    public SipRequest Request => Volatile.Read(ref _request)
        ?? ParseAgain(Volatile.Read(ref _requestBytes) ?? throw new InvalidOperationException("This transaction has let go of its request."));

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

    /// <summary>Shard: keep only the request's bytes. A parsed INVITE is dozens of objects and strings; held for the
    /// 32 s of Timer M by every answered call, it was the largest share of the server's memory at 1,000 calls/s
    /// (bench/RESULTS.md, call set-up).</summary>
    protected void ReleaseParsedRequest() => Volatile.Write(ref _request, null);

    /// <summary>Shard: keep nothing of the request — for a state that never sends it again and whose owner has its
    /// result. <see cref="Request"/> then throws, as the bug it would be to ask.</summary>
    protected void ReleaseRequest()
    {
        Volatile.Write(ref _requestBytes, null);
        Volatile.Write(ref _request, null);
    }

    private SipRequest ParseAgain(StrongBox<ReadOnlyMemory<byte>> bytes)
    {
        // Our own bytes, parsed once already: a failure here is a bug, not wire input.
        if (!SipMessageParser.TryParse(bytes.Value, out var message, out var error) || message is not SipRequest request)
        {
            throw new InvalidOperationException($"The request this transaction sent no longer parses: {error}");
        }

        Volatile.Write(ref _request, request);
        return request;
    }

    protected void Send(SipRequest request, bool retransmission) => Layer.SendRequest(this, request, retransmission);

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
