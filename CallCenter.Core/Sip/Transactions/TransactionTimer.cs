namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One arming of one timer (STYLE §5). The callback runs on a timer thread and only posts this object into the
/// owner's shard; the shard then asks the owner's <see cref="TransactionTimers"/> whether this arming is still the
/// one in its slot. A timer re-armed, disarmed or outlived by its transaction while its message waited in the
/// mailbox is therefore stale and ignored by identity, with no generation counter to race on.
/// </summary>
internal sealed class TransactionTimer
{
    private static readonly TimerCallback Fired = static state => ((TransactionTimer)state!).Post();

    private readonly SipTransactionLayer _layer;
    private ITimer? _timer;

    public TransactionTimer(SipTransactionLayer layer, ISipTransaction owner, SipTimerName name, TimerSlot slot)
    {
        _layer = layer;
        Owner = owner;
        Name = name;
        Slot = slot;
    }

    public ISipTransaction Owner { get; }

    public SipTimerName Name { get; }

    public TimerSlot Slot { get; }

    public void Start(TimeProvider time, TimeSpan due) => _timer = time.CreateTimer(Fired, this, due, Timeout.InfiniteTimeSpan);

    public void Stop() => _timer?.Dispose();

    /// <summary>Runs on the timer's thread. A full mailbox must not lose a timer (it is what ends a transaction),
    /// so a refused post is tried again a little later.</summary>
    private void Post()
    {
        if (!_layer.PostTimer(this))
        {
            _timer?.Change(SipTransactionLayer.TimerRetryDelay, Timeout.InfiniteTimeSpan);
        }
    }
}
