namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One arming of one timer (STYLE §5), filed in its shard's <see cref="TransactionDeadlines"/> until it is due. When
/// the shard's clock reaches it, the shard asks the owner's <see cref="TransactionTimers"/> whether this arming is
/// still the one in its slot. A timer re-armed, disarmed or outlived by its transaction is therefore stale and
/// ignored by identity, with no generation counter to race on. Shard context only.
/// </summary>
internal sealed class TransactionTimer(ISipTransaction owner, SipTimerName name, TimerSlot slot, long due)
{
    private ISipTransaction? _owner = owner;

    /// <summary>The transaction, or null once the arming was stopped.</summary>
    public ISipTransaction? Owner => _owner;

    public SipTimerName Name { get; } = name;

    public TimerSlot Slot { get; } = slot;

    /// <summary>When it is due, a timestamp of the layer's TimeProvider.</summary>
    public long Due { get; } = due;

    /// <summary>Where it is filed in <see cref="TransactionDeadlines"/>, so that disarming can clear its slot.</summary>
    internal TransactionDeadlines.Ring? Ring { get; private set; }

    internal long Ticket { get; private set; }

    internal void Filed(TransactionDeadlines.Ring ring, long ticket)
    {
        Ring = ring;
        Ticket = ticket;
    }

    /// <summary>Stops the arming; true if it was still running.</summary>
    public bool Stop()
    {
        if (_owner is null)
        {
            return false;
        }

        _owner = null;
        return true;
    }
}
