namespace CallCenter.Core.Sip.Transactions;

/// <summary>The timer slots of one transaction. Shard context only.</summary>
internal sealed class TransactionTimers(SipTransactionLayer layer, ISipTransaction owner)
{
    private readonly TransactionTimer?[] _slots = new TransactionTimer?[3];

    public TransactionTimer Arm(TimerSlot slot, SipTimerName name, TimeSpan due)
    {
        Disarm(slot);
        var timer = layer.Schedule(owner, name, slot, due);
        _slots[(int)slot] = timer;
        return timer;
    }

    public void Disarm(TimerSlot slot)
    {
        if (_slots[(int)slot] is { } timer)
        {
            _slots[(int)slot] = null;
            layer.Unschedule(owner.Shard, timer);
        }
    }

    public void DisarmAll()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            Disarm((TimerSlot)i);
        }
    }

    public bool IsArmed(SipTimerName name) => _slots.Any(t => t?.Name == name);

    /// <summary>True when <paramref name="timer"/> is the arming in its slot: the slot is then emptied (the timer
    /// was one-shot). False for a stale timer.</summary>
    public bool TryClaim(TransactionTimer timer)
    {
        if (!ReferenceEquals(_slots[(int)timer.Slot], timer))
        {
            return false;
        }

        _slots[(int)timer.Slot] = null;
        timer.Stop();
        return true;
    }
}
