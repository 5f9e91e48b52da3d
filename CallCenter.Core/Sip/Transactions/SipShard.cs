using System.Threading.Channels;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One serial context of the transaction layer (STYLE §4): a bounded mailbox with one consumer, and the tables of
/// the transactions whose Call-ID hashes here. Everything that touches those tables or the transactions in them
/// runs on this shard's consumer, one item at a time, so the state machines take no locks; other threads only post.
/// <para>Work a shard posts to itself while it runs (the TU answering inside OnRequest, an owner cancelling its
/// INVITE from its own callback) goes to a local queue that is drained right after the current item: it keeps its
/// order and cannot be refused by a full mailbox. That queue holds only what one item's callbacks post.</para>
/// </summary>
internal sealed class SipShard
{
    [ThreadStatic]
    private static SipShard? t_running;

    private readonly Channel<ShardWork> _mailbox;
    private readonly Queue<ShardWork> _local = new();
    private readonly Action<SipShard, ShardWork> _process;
    private readonly SipShardDriver _driver;
    private readonly int _admissionLimit;
    private long _dropped;
    private int _pumping;

    public SipShard(int index, int capacity, int completedBytes, SipShardDriver driver, Action<SipShard, ShardWork> process)
    {
        Index = index;
        Completed = new CompletedTransactions(completedBytes);
        _driver = driver;
        _process = process;

        // Network input stops at three quarters so that a flood cannot starve the timers and answers of the
        // transactions already admitted: those are what end transactions and free their memory.
        _admissionLimit = Math.Max(1, capacity * 3 / 4);
        // Full means the write is dropped, but not with FullMode.DropWrite: that mode reports a dropped item as
        // written (TryWrite returns true), so nobody could count the drop or retry a timer. With Wait and only ever
        // TryWrite, a full mailbox refuses the write and the writer decides: count it, or try again later.
        _mailbox = Channel.CreateBounded<ShardWork>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Index { get; }

    public int Depth => _mailbox.Reader.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>RFC 3261 server transactions by §17.2.3's branch, sent-by and method.</summary>
    public Dictionary<ServerTransactionKey, ServerTransaction> Servers { get; } = [];

    /// <summary>RFC 2543 server transactions (no magic cookie in the branch) by §17.2.3's fallback fields.</summary>
    public Dictionary<LegacyServerTransactionKey, ServerTransaction> LegacyServers { get; } = [];

    /// <summary>Completed non-INVITE server transactions over UDP, in Timer J.</summary>
    public CompletedTransactions Completed { get; }

    /// <summary>The one timer that expires <see cref="Completed"/>, created on first use, and whether it is armed.</summary>
    public ITimer? SweepTimer { get; set; }

    public bool SweepArmed { get; set; }

    /// <summary>Client transactions by §17.1.3's branch and CSeq method.</summary>
    public Dictionary<ClientTransactionKey, ClientTransaction> Clients { get; } = [];

    /// <summary>Input from the network: refused (and counted) once the mailbox is three quarters full.</summary>
    public bool TryPostInbound(in ShardWork work)
    {
        if (_mailbox.Reader.Count >= _admissionLimit || !_mailbox.Writer.TryWrite(work))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        AfterWrite();
        return true;
    }

    /// <summary>Work owed to a transaction. From this shard's own consumer it is queued locally; from any other
    /// thread it takes the mailbox, and fails only when the mailbox is completely full or closed.</summary>
    public bool TryPost(in ShardWork work)
    {
        if (t_running == this)
        {
            _local.Enqueue(work);
            return true;
        }

        if (!_mailbox.Writer.TryWrite(work))
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        AfterWrite();
        return true;
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

    /// <summary>The consumer (Threads driver). Processing is synchronous and never waits on I/O: a send that does
    /// not complete at once reports back through the mailbox.</summary>
    public async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var work))
            {
                Run(work);
            }
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
            while (_mailbox.Reader.TryRead(out var work))
            {
                Run(work);
            }
        }
        finally
        {
            Volatile.Write(ref _pumping, 0);
        }
    }

    /// <summary>No more posts; the consumer ends once the mailbox is empty.</summary>
    public void Complete() => _mailbox.Writer.TryComplete();

    private void AfterWrite()
    {
        if (_driver == SipShardDriver.Inline)
        {
            Pump();
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
