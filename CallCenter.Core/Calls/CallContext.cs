namespace CallCenter.Core.Calls;

/// <summary>
/// A call's serial context (STYLE §4): everything that happens to one call — requests and responses on either leg,
/// its timers, media events — is posted here and runs one item at a time on the thread pool, so the call's state
/// needs no lock. Posting never blocks and never runs the item on the poster's thread (the poster is usually a SIP
/// shard or a media loop, which must not run call logic). Bounded: a call that somehow has more than
/// <see cref="Capacity"/> items waiting refuses more, and the poster counts it.
/// </summary>
internal sealed class CallContext : IThreadPoolWorkItem
{
    public const int Capacity = 1_024;

    // A plain queue under a lock, not a ConcurrentQueue: posts to one call are few and rarely meet its drain, and a
    // ConcurrentQueue's first segment (32 slots, ~750 B) was the largest single object of a call in progress.
    private readonly Queue<Action> _queue = new();
    private readonly Action<Exception> _onFault;
    private int _scheduled;

    public CallContext(Action<Exception> onFault) => _onFault = onFault;

    public bool Post(Action work)
    {
        lock (_queue)
        {
            if (_queue.Count >= Capacity)
            {
                return false;
            }

            _queue.Enqueue(work);
        }

        if (Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (TryTake(out var work))
            {
                try
                {
                    work();
                }
                catch (Exception ex)
                {
                    // A bug in call logic costs this item (and the handler decides whether the call survives it),
                    // never the thread or the other calls (STYLE §8).
                    _onFault(ex);
                }
            }

            // Going idle: clear the flag, then look at the queue once more for a post that found the flag still
            // set. The clear must be a full fence (an interlocked exchange, not Volatile.Write): x86 lets a load
            // pass an earlier plain store, so this drain could read "empty" before its clear was visible while a
            // poster enqueued and read the flag as still set, and the item (a BYE, a callee's 200) sat in the queue
            // with no drain until the call's next post — if one ever came. Issue 4's lost end messages.
            Interlocked.Exchange(ref _scheduled, 0);
            if (IsEmpty() || Interlocked.CompareExchange(ref _scheduled, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Action? work)
    {
        lock (_queue)
        {
            return _queue.TryDequeue(out work);
        }
    }

    private bool IsEmpty()
    {
        lock (_queue)
        {
            return _queue.Count == 0;
        }
    }
}
