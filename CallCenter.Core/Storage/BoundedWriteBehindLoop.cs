namespace CallCenter.Core.Storage;

/// <summary>
/// A <see cref="WriteBehindLoop"/> whose pending records are bounded (STYLE.md §12): at most <see cref="Capacity"/>
/// wait, a batch being written included. A record that finds no room is dropped and counted in
/// <see cref="Dropped"/>; the first drop of an episode is reported once, and the end of the episode (the queue half
/// empty again) once more with what it cost. Producers never wait. Records worth more than the others (a call's end,
/// an agent's state) may use <see cref="ReserveCeiling"/>, a quarter more.
/// <para>Used by the CDR and ACD writers; the registration writer coalesces per binding and needs no bound.</para>
/// </summary>
public abstract class BoundedWriteBehindLoop : WriteBehindLoop
{
    private int _inFlight;
    private long _droppedInEpisode;
    private long _dropped;

    protected BoundedWriteBehindLoop(TimeProvider time, TimeSpan batchWindow, TimeSpan retryDelay, int capacity)
        : base(time, batchWindow, retryDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        ReserveCeiling = capacity + Math.Max(1, capacity / 4);
    }

    public int Capacity { get; }

    /// <summary>Records waiting, including a batch being written.</summary>
    public int Depth
    {
        get
        {
            lock (Gate)
            {
                return DepthLocked;
            }
        }
    }

    /// <summary>Records refused because the queue was full or the writer was disposed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The bound for records that may use the reserve.</summary>
    protected int ReserveCeiling { get; }

    /// <summary>Under <see cref="WriteBehindLoop.Gate"/>: records waiting, a batch being written included.</summary>
    protected int DepthLocked => PendingLocked + _inFlight;

    /// <summary>Under <see cref="WriteBehindLoop.Gate"/>: records pending, not counting a batch being written.</summary>
    protected abstract int PendingLocked { get; }

    /// <summary>Under <see cref="WriteBehindLoop.Gate"/>: whether one more record fits under <paramref name="ceiling"/>.</summary>
    protected bool HasRoomLocked(int ceiling) => !IsDisposedLocked && DepthLocked < ceiling;

    /// <summary>Outside the lock, after a producer decided: ring the writer, or count (and, once an episode, report)
    /// the drop. Returns <paramref name="accepted"/>.</summary>
    protected bool Accepted(bool accepted)
    {
        if (accepted)
        {
            Ring();
            return true;
        }

        Interlocked.Increment(ref _dropped);
        bool first;
        lock (Gate)
        {
            first = !IsDisposedLocked && _droppedInEpisode++ == 0;
        }

        if (first)
        {
            OnQueueFull();
        }

        return false;
    }

    protected sealed override int TakeBatchLocked()
    {
        _inFlight = TakePendingLocked();
        return _inFlight;
    }

    protected sealed override void PutBackLocked()
    {
        PutBackPendingLocked();
        _inFlight = 0;
    }

    protected sealed override void OnBatchWritten()
    {
        long dropped = 0;
        lock (Gate)
        {
            _inFlight = 0;

            // An episode of drops ends once the queue has room again; say how much it cost.
            if (_droppedInEpisode > 0 && DepthLocked < Capacity / 2)
            {
                dropped = _droppedInEpisode;
                _droppedInEpisode = 0;
            }
        }

        if (dropped > 0)
        {
            OnDropsEnded(dropped);
        }
    }

    /// <summary>Writer task, under the gate: moves the pending records into the batch and returns how many.</summary>
    protected abstract int TakePendingLocked();

    /// <summary>Writer task, under the gate: the batch failed; put it back in front of what arrived since.</summary>
    protected abstract void PutBackPendingLocked();

    /// <summary>The first drop of an episode.</summary>
    protected abstract void OnQueueFull();

    /// <summary>An episode of drops ended, having cost <paramref name="dropped"/> records.</summary>
    protected abstract void OnDropsEnded(long dropped);
}
