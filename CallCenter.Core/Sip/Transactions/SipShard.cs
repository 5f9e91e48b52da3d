using System.Collections.Concurrent;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One serial context of the transaction layer (STYLE §4): a bounded mailbox drained by one thread at a time, and the
/// tables of the transactions whose Call-ID hashes here. Everything that touches those tables or the transactions in
/// them runs inside a drain, one item at a time, so the state machines take no locks; other threads only post.
/// <para>Who drains: whoever posts into an idle shard schedules it. A transport receive loop runs the drain itself
/// (up to <see cref="InlineBudget"/> items, then hands the rest to the thread pool) so that a datagram is parsed and
/// answered on the thread that read it, with no thread woken in between; a timer, a TU answering from its own
/// context or a completed send queue the drain on the thread pool instead, never running SIP work inside a
/// caller that may hold its own locks. At most one drain runs at a time (<see cref="_scheduled"/>), which is what
/// keeps a shard serial.</para>
/// <para>Work a shard posts to itself while it runs (the TU answering inside OnRequest, an owner cancelling its
/// INVITE from its own callback) goes to a local queue that is drained right after the current item: it keeps its
/// order and cannot be refused by a full mailbox. That queue holds only what one item's callbacks post.</para>
/// </summary>
internal sealed class SipShard : IThreadPoolWorkItem
{
    /// <summary>Items a receive loop runs before it hands the shard to the thread pool and reads on: under a flood
    /// the socket keeps being read (and its kernel buffer drained) while the backlog is worked off elsewhere.</summary>
    private const int InlineBudget = 64;

    /// <summary>Items a thread-pool drain runs before it queues itself again, so other pool work gets a turn.</summary>
    private const int PoolBudget = 1_024;

    /// <summary>Most entries in each <see cref="LingeringClients"/> store: Timer M's 30 s at 17,000 calls/s, several
    /// times what a shard is asked for, in about 40 MB when full.</summary>
    private const int LingeringCapacity = 1 << 19;

    [ThreadStatic]
    private static SipShard? t_running;

    private readonly ConcurrentQueue<ShardWork> _mailbox = new();
    private readonly Queue<ShardWork> _local = new();
    private readonly Action<SipShard, ShardWork> _process;
    private readonly SipShardDriver _driver;
    private readonly int _capacity;
    private readonly int _admissionLimit;
    private long _dropped;
    private int _count;
    private int _scheduled;
    private int _active;
    private int _closed;
    private int _pumping;

    public SipShard(int index, int capacity, int completedBytes, SipShardDriver driver, Action<SipShard, ShardWork> process, Action<SipTransactionKind>? ended = null)
    {
        Index = index;
        Completed = new CompletedTransactions(completedBytes, ended);
        AcceptedInvites = new LingeringClients(LingeringCapacity, ended);
        CompletedNonInvites = new LingeringClients(LingeringCapacity, ended);
        _driver = driver;
        _process = process;
        _capacity = capacity;

        // Network input stops at three quarters so that a flood cannot starve the timers and answers of the
        // transactions already admitted: those are what end transactions and free their memory.
        _admissionLimit = Math.Max(1, capacity * 3 / 4);
        InviteAdmissionLimit = Math.Max(1, Math.Min(_admissionLimit / 2, InviteAdmissionDepth));
    }

    public int Index { get; }

    public int Depth => Volatile.Read(ref _count);

    /// <summary>Most messages a new INVITE may find waiting ahead of it: about 0.2 s of a shard's drain under a call
    /// storm (7,000-8,000 messages a second), well inside T1, so that an admitted INVITE is answered before its
    /// client sends it again.</summary>
    public const int InviteAdmissionDepth = 1_536;

    /// <summary>Depth from which a new INVITE is left at the door (<see cref="InviteAdmissionDepth"/>, or half of
    /// what network input may fill in a small mailbox), so that the rest stays for the ACKs, BYEs and responses of
    /// calls already running.</summary>
    public int InviteAdmissionLimit { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>RFC 3261 server transactions by §17.2.3's branch, sent-by and method.</summary>
    public Dictionary<ServerTransactionKey, ServerTransaction> Servers { get; } = [];

    /// <summary>RFC 2543 server transactions (no magic cookie in the branch) by §17.2.3's fallback fields.</summary>
    public Dictionary<LegacyServerTransactionKey, ServerTransaction> LegacyServers { get; } = [];

    /// <summary>Server transactions over UDP whose state machine is done but whose lingering timer (J, I, or L after
    /// the ACK) is not: their key, final bytes (if any) and flow.</summary>
    public CompletedTransactions Completed { get; }

    /// <summary>INVITE client transactions in Accepted after their first 2 s, for the rest of Timer M (RFC 6026).</summary>
    public LingeringClients AcceptedInvites { get; }

    /// <summary>Non-INVITE client transactions over UDP in Completed, for Timer K.</summary>
    public LingeringClients CompletedNonInvites { get; }

    /// <summary>Unanswered guards of the non-INVITE server transactions waiting for their TU.</summary>
    public GuardDeadlines Guards { get; } = new();

    /// <summary>The one timer that expires <see cref="Completed"/>, the lingering clients and <see cref="Guards"/>, created on first use, and whether it is armed.</summary>
    public ITimer? SweepTimer { get; set; }

    public bool SweepArmed { get; set; }

    /// <summary>The armed transaction timers, by due time.</summary>
    public TransactionDeadlines Deadlines { get; } = new();

    /// <summary>The one timer that fires <see cref="Deadlines"/>, created on first use; <see cref="ClockDue"/> is what
    /// it is set to (long.MaxValue: not set), and <see cref="FiringTimers"/> holds re-arming off while a batch fires.</summary>
    public ITimer? Clock { get; set; }

    public long ClockDue { get; set; } = long.MaxValue;

    public bool FiringTimers { get; set; }

    /// <summary>Client transactions by §17.1.3's branch and CSeq method.</summary>
    public Dictionary<ClientTransactionKey, ClientTransaction> Clients { get; } = [];

    /// <summary>Input from the network, on a transport receive loop: refused (and counted) once the mailbox is
    /// three quarters full. If the shard is idle, the calling loop runs it (see the class comment).</summary>
    public bool TryPostInbound(in ShardWork work)
    {
        if (Volatile.Read(ref _count) >= _admissionLimit || !TryEnqueue(work))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        Schedule(runHere: true);
        return true;
    }

    /// <summary>Work owed to a transaction. From inside this shard's drain it is queued locally; from any other
    /// thread it takes the mailbox, and fails only when the mailbox is completely full or closed.</summary>
    public bool TryPost(in ShardWork work)
    {
        if (t_running == this)
        {
            _local.Enqueue(work);
            return true;
        }

        if (!TryEnqueue(work))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        Schedule(runHere: false);
        return true;
    }

    /// <summary>Threads driver: from now on posts schedule drains; what was posted before runs now.</summary>
    public void Activate()
    {
        Interlocked.Exchange(ref _active, 1);
        if (!_mailbox.IsEmpty)
        {
            Schedule(runHere: false);
        }
    }

    /// <summary>No more posts. <see cref="WhenIdleAsync"/> then tells when the last drain has ended.</summary>
    public void Complete() => Interlocked.Exchange(ref _closed, 1);

    /// <summary>Completes when no drain runs or is queued (after <see cref="Complete"/>, that stays so).</summary>
    public async Task WhenIdleAsync()
    {
        while (Volatile.Read(ref _scheduled) != 0)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>Runs everything queued, on the caller's thread (Manual and Inline drivers, and the final drain).</summary>
    public void Pump()
    {
        if (Interlocked.Exchange(ref _pumping, 1) != 0)
        {
            return;
        }

        try
        {
            while (TryTake(out var work))
            {
                Run(work);
            }
        }
        finally
        {
            Volatile.Write(ref _pumping, 0);
        }
    }

    /// <summary>Timer thread: the sweep timer fired. A full mailbox must not stall expiry, so a refused post is
    /// tried again a little later, as transaction timers are.</summary>
    public void PostSweep()
    {
        if (!TryPost(ShardWork.Sweep()))
        {
            SweepTimer?.Change(SipTransactionLayer.TimerRetryDelay, Timeout.InfiniteTimeSpan);
        }
    }

    void IThreadPoolWorkItem.Execute() => Drain(PoolBudget);

    private bool TryEnqueue(in ShardWork work)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return false;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        _mailbox.Enqueue(work);
        return true;
    }

    private bool TryTake(out ShardWork work)
    {
        if (!_mailbox.TryDequeue(out work))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    private void Schedule(bool runHere)
    {
        switch (_driver)
        {
            case SipShardDriver.Manual:
                return;

            case SipShardDriver.Inline:
                Pump();
                return;
        }

        if (Volatile.Read(ref _active) == 0 || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
        {
            return;
        }

        // Never nest one shard's drain inside another's: a loop already running a shard hands this one to the pool.
        if (runHere && t_running is null)
        {
            Drain(InlineBudget);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Owns the shard (<see cref="_scheduled"/> is 1) until the mailbox is empty or the budget is spent;
    /// in the latter case the rest goes to the thread pool, still owned.</summary>
    private void Drain(int budget)
    {
        while (true)
        {
            var done = 0;
            while (done < budget && TryTake(out var work))
            {
                Run(work);
                done++;
            }

            if (done == budget && !_mailbox.IsEmpty)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            // A full fence, not Volatile.Write: x86 lets the IsEmpty load below pass a plain store, and then a
            // post that found the flag still set and this drain that found the mailbox empty both walk away from
            // the item (a BYE's 200, a client BYE's start) until the shard's next post.
            Interlocked.Exchange(ref _scheduled, 0);

            // A post that found the flag set just before it was cleared left its item for this drain: look again.
            if (_mailbox.IsEmpty || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void Run(in ShardWork work)
    {
        var previous = t_running;
        t_running = this;
        try
        {
            _process(this, work);
            while (_local.TryDequeue(out var next))
            {
                _process(this, next);
            }
        }
        finally
        {
            t_running = previous;
        }
    }
}
