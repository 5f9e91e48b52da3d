namespace CallCenter.Benchmarks;

/// <summary>
/// A manual clock for benchmarks that drive timer-owning components on one thread: time moves only in
/// <see cref="Advance"/>, and timers that fall due fire there, synchronously, on the caller's thread. Unlike the
/// tests' fake clock it allocates nothing per call, so it adds nothing to the allocation it helps to measure.
/// Single-threaded use only.
/// </summary>
internal sealed class BenchmarkClock : TimeProvider
{
    private static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long GetTimestamp() => _ticks;

    public override DateTimeOffset GetUtcNow() => Start.AddTicks(_ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan delta)
    {
        var target = _ticks + delta.Ticks;
        while (true)
        {
            ManualTimer? next = null;
            foreach (var timer in _timers)
            {
                if (timer.Due <= target && (next is null || timer.Due < next.Due))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                _ticks = target;
                return;
            }

            _ticks = Math.Max(_ticks, next.Due);
            next.Fire();
        }
    }

    private sealed class ManualTimer(BenchmarkClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _period = -1;

        public long Due { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Due = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : clock._ticks + dueTime.Ticks;
            _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? -1 : period.Ticks;
            return true;
        }

        public void Fire()
        {
            Due = _period < 0 ? long.MaxValue : Due + _period;
            callback(state);
        }

        public void Dispose() => clock._timers.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
