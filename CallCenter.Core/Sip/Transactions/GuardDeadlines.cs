namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One shard's Unanswered guards (a non-INVITE server transaction the TU has not answered after 64·T1 is dropped).
/// Every guard runs the same 64·T1, so they expire in the order they were set: a FIFO ring swept by the shard's one
/// sweep timer replaces a timer per transaction, which under a REGISTER storm meant thousands of timer-queue
/// insertions and removals a second for guards that almost never fire. An answered transaction clears its slot, so
/// the ring does not keep it (or its parsed request) alive. Shard context only.
/// </summary>
internal sealed class GuardDeadlines
{
    private Slot[] _ring = new Slot[256];
    private long _first;
    private long _next;

    public int Count => (int)(_next - _first);

    /// <summary>Sets a guard; the returned ticket clears it.</summary>
    public long Add(ServerTransaction owner, long due)
    {
        DropClearedHead();
        if (Count == _ring.Length)
        {
            var larger = new Slot[_ring.Length * 2];
            for (var ticket = _first; ticket < _next; ticket++)
            {
                larger[ticket & (larger.Length - 1)] = _ring[ticket & (_ring.Length - 1)];
            }

            _ring = larger;
        }

        var issued = _next++;
        _ring[issued & (_ring.Length - 1)] = new Slot(due, owner);
        return issued;
    }

    public void Clear(long ticket)
    {
        if (ticket >= _first && ticket < _next)
        {
            _ring[ticket & (_ring.Length - 1)] = default;
        }
    }

    /// <summary>When the oldest guard still set is due.</summary>
    public bool TryGetNextDue(out long due)
    {
        DropClearedHead();
        due = Count == 0 ? 0 : _ring[_first & (_ring.Length - 1)].Due;
        return Count != 0;
    }

    /// <summary>Takes every guard due at or before <paramref name="now"/> into <paramref name="expired"/>.</summary>
    public void RemoveDue(long now, List<ServerTransaction> expired)
    {
        while (Count != 0)
        {
            ref var slot = ref _ring[_first & (_ring.Length - 1)];
            if (slot.Owner is not null && slot.Due > now)
            {
                return;
            }

            if (slot.Owner is { } owner)
            {
                expired.Add(owner);
            }

            slot = default;
            _first++;
        }
    }

    private void DropClearedHead()
    {
        while (Count != 0 && _ring[_first & (_ring.Length - 1)].Owner is null)
        {
            _first++;
        }
    }

    private readonly record struct Slot(long Due, ServerTransaction? Owner);
}
