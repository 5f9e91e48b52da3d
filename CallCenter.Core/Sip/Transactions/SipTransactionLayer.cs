using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The transaction layer of RFC 3261 §17 (with RFC 6026's corrections) between the transport and the transaction
/// user: it absorbs and answers retransmissions, runs the timers, matches CANCEL and ACK, and sends the requests
/// the server originates. It is also the guard at the door for everything that arrives: banned sources are ignored,
/// malformed messages answered by the parser's 400-class response, stray responses counted and dropped.
/// <para>Threading (STYLE §4, §12): N shards, each a bounded mailbox drained by one thread at a time (SipShard). A
/// transport loop scans the bytes for the Call-ID, picks the shard by its hash and posts; if the shard is idle the
/// loop drains it itself, so the parse and everything after run on the thread that read the datagram. All transactions of one Call-ID, their timers (which fire as messages into the mailbox) and the TU calls
/// for them therefore run in order on one shard, and different calls run in parallel on the others. Nothing on a
/// shard waits on I/O: sends that do not complete at once report back through the mailbox.</para>
/// <para>Split by aspect: .Inbound.cs (the door), .Server.cs, .Client.cs, .Matching.cs, .Send.cs, .Log.cs.</para>
/// </summary>
public sealed partial class SipTransactionLayer : ISipTransportHandler, ISipClient, ISipInviteClient, IAsyncDisposable
{
    /// <summary>How long a timer whose message found the mailbox full waits before posting again.</summary>
    internal static readonly TimeSpan TimerRetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest an INVITE may wait for its TU's final response: above the longest ring timeout the
    /// configuration allows (600 s), so it only ever catches a TU that lost the transaction.</summary>
    internal static readonly TimeSpan InviteAnswerLimit = TimeSpan.FromMinutes(15);

    private readonly ILiveConfiguration _configuration;
    private readonly AuthFailureTracker _bans;
    private readonly ISipRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly ILogger _trace;
    private readonly SipTransactionSettings _settings;

    /// <summary><see cref="SipTransactionSettings.ClockGranularity"/> in timestamps (0: exact).</summary>
    private readonly long _clockStep;
    private readonly SipShard[] _shards;
    private readonly SipTransactionLogGate _logGate = new();
    private readonly SipLocalAddresses _localAddresses;
    private ISipSender? _sender;
    private int _stopping;
    private int _disposed;

    public SipTransactionLayer(
        ILiveConfiguration configuration,
        AuthFailureTracker bans,
        ISipRequestHandler handler,
        TimeProvider time,
        ILoggerFactory loggers,
        SipTransactionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _configuration = configuration;
        _bans = bans;
        _handler = handler;
        Time = time;
        _settings = settings ?? new SipTransactionSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.ShardCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.QueueCapacity, 4);
        var granularity = _settings.GranularityOn(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(granularity, TimeSpan.Zero);
        _clockStep = ToTimestamp(granularity);
        _logger = loggers.CreateLogger<SipTransactionLayer>();
        _trace = loggers.CreateLogger(SipTrace.Category);
        _localAddresses = new SipLocalAddresses(time);
        _shards = new SipShard[_settings.ShardCount];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new SipShard(i, _settings.QueueCapacity, _settings.CompletedBytesPerShard, _settings.Driver, Process, TransactionCounters.Ended);
        }
    }

    /// <summary>Requests by method, responses by class, malformed, dropped and banned input.</summary>
    public SipCounters Counters { get; } = new();

    public SipTransactionStatistics Statistics => TransactionCounters.Snapshot(_shards);

    public int ShardCount => _shards.Length;

    internal TimeProvider Time { get; }

    internal SipTransactionCounters TransactionCounters { get; } = new();

    private bool IsStopping => Volatile.Read(ref _stopping) != 0;

    /// <summary>
    /// Starts the shards. <paramref name="sender"/> is the transport (created with this layer as its handler, so
    /// this comes second); messages that arrived in between wait in the mailboxes.
    /// </summary>
    public void Start(ISipSender sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _sender, sender, null) is not null)
        {
            throw new InvalidOperationException("The SIP transaction layer is already started.");
        }

        if (_settings.Driver == SipShardDriver.Threads)
        {
            foreach (var shard in _shards)
            {
                shard.Activate();
            }
        }
        else
        {
            PumpAll();
        }

        SipTransactionLog.Started(_logger, _shards.Length, _settings.QueueCapacity);
    }

    /// <summary>
    /// Runs on a transport receive loop (ISipTransportHandler's contract): scan for the Call-ID, post to its shard,
    /// and run the shard here if it was idle (a bounded drain, see SipShard). A full shard drops the message and counts it; UDP senders retransmit, and a TCP sender's
    /// transaction times out like any lost request.
    /// </summary>
    public void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow) => OnMessageReceived(message, flow, TimeSpan.Zero);

    public void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow, TimeSpan waited)
    {
        var shard = _shards[SipCallIdScanner.ShardOf(SipCallIdScanner.Find(message.Span), _shards.Length)];
        if (shard.Depth >= shard.InviteAdmissionLimit && !flow.IsStream && message.Span.StartsWith("INVITE "u8))
        {
            // Overload: a full mailbox drops whatever comes next, and losing the ACK, BYE or 200 of a call already
            // set up costs that call (a 200 retransmitted until Timer H, a BYE never delivered, relays held). A new
            // INVITE over UDP left unread costs nothing: its client sends it again after T1, when the backlog may be
            // gone. Over TCP or TLS nothing is sent again (§17.1.1.2: no Timer A), so those are always taken.
            TransactionCounters.InviteDeferred();
            if (_logGate.ShouldLog(SipTransactionLogGate.Kind.InviteDeferred, out var deferred))
            {
                SipTransactionLog.InviteDeferred(_logger, shard.Index, shard.Depth, deferred);
            }

            return;
        }

        var now = Time.GetTimestamp();
        var arrivedAt = now - (long)(waited.TotalSeconds * Time.TimestampFrequency);
        if (!shard.TryPostInbound(ShardWork.Inbound(message, flow, now, arrivedAt)))
        {
            Counters.Dropped();
            if (_logGate.ShouldLog(SipTransactionLogGate.Kind.ShardFull, out var count))
            {
                SipTransactionLog.ShardFull(_logger, shard.Index, count);
            }
        }
    }

    /// <summary>Raised on the transport's loop when a TCP/TLS connection closed (the registrar drops the bindings
    /// that lived on it). Handlers must not block.</summary>
    public event Action<SipFlow>? FlowClosed;

    public void OnTransportError(SipTransportError error)
    {
        SipTransactionLog.TransportError(_logger, error.ToString());
        if (error is { Kind: SipTransportErrorKind.ConnectionClosed, Flow: { } flow })
        {
            FlowClosed?.Invoke(flow);
        }
    }

    /// <summary>
    /// Stops the shards: the mailboxes are closed and drained (input still queued is dropped), then every
    /// transaction ends. A pending client transaction completes with <see cref="SipClientFailure.Stopped"/>, an
    /// INVITE's owner hears the same through OnFailure. Idempotent: the host and the container both call it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _stopping, 1);
        foreach (var shard in _shards)
        {
            shard.Complete();
        }

        await Task.WhenAll(_shards.Select(shard => shard.WhenIdleAsync())).ConfigureAwait(false);
        var abandoned = 0;
        foreach (var shard in _shards)
        {
            // No drain runs any more and none can start: this thread is now the only one touching the shard's tables.
            shard.Pump();
            abandoned += StopTransactions(shard);
        }

        SipTransactionLog.Stopped(_logger, abandoned);
    }

    /// <summary>Manual driver: runs everything queued on every shard, on the caller's thread.</summary>
    internal void PumpAll()
    {
        foreach (var shard in _shards)
        {
            shard.Pump();
        }
    }

    internal SipShard ShardFor(string callId) => _shards[SipCallIdScanner.ShardOf(callId, _shards.Length)];

    internal IReadOnlyList<SipShard> Shards => _shards;

    /// <summary>Shard: files a new arming of a transaction's timer, due <paramref name="after"/> from now.</summary>
    internal TransactionTimer Schedule(ISipTransaction owner, SipTimerName name, TimerSlot slot, TimeSpan after)
    {
        var shard = owner.Shard;
        var now = Time.GetTimestamp();
        var duration = ToTimestamp(after);
        var timer = new TransactionTimer(owner, name, slot, now + duration);
        shard.Deadlines.Add(timer, duration);
        if (!shard.FiringTimers)
        {
            ArmClock(shard, now);
        }

        return timer;
    }

    /// <summary>Shard: an arming was disarmed. Its slot is cleared, and the clock follows the earliest deadline left
    /// (stopped when none is, so an idle shard sleeps). One disarmed only once it was due had fired already, its
    /// firing waiting behind the event that disarmed it: that counts as a stale timer.</summary>
    internal void Unschedule(SipShard shard, TransactionTimer timer)
    {
        if (!timer.Stop())
        {
            return;
        }

        shard.Deadlines.Remove(timer);
        var now = Time.GetTimestamp();
        if (now >= timer.Due)
        {
            TransactionCounters.StaleTimer();
        }

        if (!shard.FiringTimers)
        {
            ArmClock(shard, now);
        }
    }

    /// <summary>Shard: the clock fired; every arming due by now runs, in due order.</summary>
    private void FireTimers(SipShard shard)
    {
        shard.ClockDue = long.MaxValue;
        var now = Time.GetTimestamp();
        shard.FiringTimers = true;
        try
        {
            while (shard.Deadlines.TryTakeDue(now, out var timer))
            {
                if (timer.Owner is not { } owner || owner.IsTerminated)
                {
                    TransactionCounters.StaleTimer();
                    continue;
                }

                try
                {
                    owner.OnTimer(timer);
                }
                catch (Exception ex)
                {
                    SipTransactionLog.HandlerFailed(_logger, "timer " + timer.Name, ex);
                }
            }
        }
        finally
        {
            shard.FiringTimers = false;
        }

        ArmClock(shard, Time.GetTimestamp());
    }

    /// <summary>Shard: sets the clock to the earliest armed deadline, rounded up to the clock's step, when that
    /// moved (a new sooner one, or the earliest disarmed), or stops it when nothing is armed.</summary>
    private void ArmClock(SipShard shard, long now)
    {
        if (IsStopping)
        {
            return;
        }

        if (!shard.Deadlines.TryGetNextDue(out var due))
        {
            if (shard.ClockDue != long.MaxValue)
            {
                shard.ClockDue = long.MaxValue;
                shard.Clock?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
        else if (RoundUpToStep(due) is var fireAt && fireAt != shard.ClockDue)
        {
            shard.ClockDue = due = fireAt;
            shard.Clock ??= Time.CreateTimer(state => PostClock((SipShard)state!), shard, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            shard.Clock.Change(due > now ? Time.GetElapsedTime(now, due) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The next multiple of the clock's step at or after <paramref name="due"/>.</summary>
    private long RoundUpToStep(long due)
    {
        if (_clockStep <= 1)
        {
            return due;
        }

        var remainder = due % _clockStep;
        return remainder == 0 ? due : due + (_clockStep - remainder);
    }

    /// <summary>Timer thread: a shard's transaction clock fired. A full mailbox must not lose timers (they are what
    /// end transactions), so a refused post is logged (1st, 10th, 100th...) and tried again a little later.</summary>
    private void PostClock(SipShard shard)
    {
        if (IsStopping || shard.TryPost(ShardWork.Clock()))
        {
            return;
        }

        if (_logGate.ShouldLog(SipTransactionLogGate.Kind.WorkNotQueued, out var count))
        {
            SipTransactionLog.WorkNotQueued(_logger, "transaction timers", shard.Index, count);
        }

        shard.Clock?.Change(TimerRetryDelay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A duration in timestamps of <see cref="Time"/>, exactly (no floating point: a fake clock's timers must
    /// fall on the tick the test expects).</summary>
    private long ToTimestamp(TimeSpan span)
    {
        var frequency = Time.TimestampFrequency;
        return (span.Ticks / TimeSpan.TicksPerSecond * frequency) + (span.Ticks % TimeSpan.TicksPerSecond * frequency / TimeSpan.TicksPerSecond);
    }

    /// <summary>Shard: the one dispatch of mailbox items. An exception is a bug; it costs the item that raised it,
    /// never the shard (STYLE §8).</summary>
    private void Process(SipShard shard, ShardWork work)
    {
        try
        {
            switch (work.Kind)
            {
                case ShardWorkKind.Inbound when !IsStopping:
                    ProcessInbound(shard, work.Bytes, work.Flow, work.ReceivedAt, work.ArrivedAt);
                    break;

                case ShardWorkKind.Timer when !IsStopping:
                    FireTimers(shard);
                    break;

                case ShardWorkKind.Respond:
                    var server = (ServerTransaction)work.Transaction!;
                    if (server.IsTerminated)
                    {
                        ResponseIgnored(server, (SipOutgoingResponse)work.Payload!);
                    }
                    else
                    {
                        server.OnResponse((SipOutgoingResponse)work.Payload!);
                    }

                    break;

                case ShardWorkKind.Discard:
                    var discarded = (ServerTransaction)work.Transaction!;
                    if (!discarded.IsTerminated)
                    {
                        discarded.OnDiscard();
                    }

                    break;

                case ShardWorkKind.StartClient:
                    StartClient(shard, (ClientTransaction)work.Transaction!);
                    break;

                case ShardWorkKind.CancelInvite when !IsStopping:
                    ((ClientInviteTransaction)work.Transaction!).OnCancelRequested();
                    break;

                case ShardWorkKind.AckReceived when !work.Transaction!.IsTerminated:
                    ((ServerTransaction)work.Transaction).OnAckReceived();
                    break;

                case ShardWorkKind.Sweep when !IsStopping:
                    Sweep(shard);
                    break;

                case ShardWorkKind.SendCompleted:
                    var outcome = (SendOutcome)work.Payload!;
                    OnSendCompleted(work.Transaction, outcome.Bytes, outcome.Route, outcome.ViaFlow, outcome.Result);
                    break;

                default:
                    break;
            }
        }
        catch (Exception ex)
        {
            SipTransactionLog.HandlerFailed(_logger, work.Kind == ShardWorkKind.Inbound ? work.Flow.ToString() : work.Kind.ToString(), ex);
        }
    }

    /// <summary>Shard: ends every transaction of a stopping shard.</summary>
    private int StopTransactions(SipShard shard)
    {
        var abandoned = 0;
        foreach (var client in shard.Clients.Values.ToArray())
        {
            abandoned++;
            client.Abandon(SipClientFailure.Stopped);
        }

        foreach (var server in shard.Servers.Values.Concat(shard.LegacyServers.Values).ToArray())
        {
            server.Stop();
        }

        shard.SweepTimer?.Dispose();
        shard.Clock?.Dispose();
        shard.Deadlines.Clear();
        shard.Completed.Clear();
        shard.AcceptedInvites.Clear();
        shard.CompletedNonInvites.Clear();

        return abandoned;
    }

    /// <summary>Shard: a TU or owner callback. It runs here, in order; a throw is the callee's bug and is logged.</summary>
    internal bool Notify(ClientTransaction transaction, Action callback) =>
        Notify(transaction.Kind + " owner", callback, transaction.CallId);

    private bool Notify(string callback, Action call, string? callId = null)
    {
        try
        {
            call();
            return true;
        }
        catch (Exception ex)
        {
            SipTransactionLog.CallbackFailed(_logger, callback, callId ?? "-", ex);
            return false;
        }
    }
}
