namespace CallCenter.Benchmarks;

/// <summary>
/// A manual clock for benchmarks whose components create timers on several threads (a call's context runs on the
/// thread pool): time moves only in <see cref="Advance"/>, called by the one driving thread, and timers that fall
/// due fire there, outside the clock's lock, so that a callback may create or change timers. Armed timers sit in a
/// binary heap that knows each timer's place, so arming, disarming and firing cost a logarithm, allocate nothing,
/// and a disarmed timer is no longer referenced (as with the system's timers) - the tens of thousands of lingering
/// transactions' timers neither slow the driving thread nor stay in memory longer than they would in production.
/// </summary>
internal sealed class SharedManualClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private readonly object _gate = new();
    private ManualTimer[] _heap = new ManualTimer[1024];
    private int _count;
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long GetTimestamp() => Volatile.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => Start.AddTicks(Volatile.Read(ref _ticks));

    public int TimerCount
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan delta)
    {
        var target = Volatile.Read(ref _ticks) + delta.Ticks;
        while (true)
        {
            ManualTimer next;
            lock (_gate)
            {
                if (_count == 0 || _heap[0].Due > target)
                {
                    Volatile.Write(ref _ticks, target);
                    return;
                }

                next = _heap[0];
                Volatile.Write(ref _ticks, Math.Max(_ticks, next.Due));
                next.Rearm();
            }

            next.Fire();
        }
    }

    // The heap, under _gate: _heap[i].Due is at most that of its children; every timer knows its index (-1: not armed).
    private void Place(ManualTimer timer, long due)
    {
        if (timer.Index >= 0)
        {
            RemoveAt(timer.Index);
        }

        timer.Due = due;
        if (due == long.MaxValue)
        {
            return;
        }

        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _count * 2);
        }

        timer.Index = _count++;
        _heap[timer.Index] = timer;
        Up(timer.Index);
    }

    private void RemoveAt(int index)
    {
        var removed = _heap[index];
        removed.Index = -1;
        var last = _heap[--_count];
        _heap[_count] = null!;
        if (index == _count)
        {
            return;
        }

        _heap[index] = last;
        last.Index = index;
        Up(index);
        Down(last.Index);
    }

    private void Up(int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (_heap[parent].Due <= _heap[index].Due)
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    private void Down(int index)
    {
        while (true)
        {
            var smallest = index;
            foreach (var child in (ReadOnlySpan<int>)[(2 * index) + 1, (2 * index) + 2])
            {
                if (child < _count && _heap[child].Due < _heap[smallest].Due)
                {
                    smallest = child;
                }
            }

            if (smallest == index)
            {
                return;
            }

            Swap(index, smallest);
            index = smallest;
        }
    }

    private void Swap(int a, int b)
    {
        (_heap[a], _heap[b]) = (_heap[b], _heap[a]);
        _heap[a].Index = a;
        _heap[b].Index = b;
    }

    private sealed class ManualTimer(SharedManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period = -1;

        /// <summary>Both under the clock's lock.</summary>
        public long Due { get; set; } = long.MaxValue;

        public int Index { get; set; } = -1;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? -1 : period.Ticks;
                clock.Place(this, dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : clock._ticks + dueTime.Ticks);
            }

            return true;
        }

        /// <summary>Under the clock's lock: the next due time after firing, or none for a one-shot timer.</summary>
        public void Rearm() => clock.Place(this, _period < 0 ? long.MaxValue : Due + _period);

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock.Place(this, long.MaxValue);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
