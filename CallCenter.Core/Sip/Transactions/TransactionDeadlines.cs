namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One shard's armed transaction timers (A-M, the CANCEL guard, the Accepted trim) behind one clock per shard
/// (<see cref="SipShard.Clock"/>), set to the earliest of them.
/// <para>Why not a TimeProvider timer per arming: at 2,000 calls/s a shard holds tens of thousands of armed timers
/// (B, F, H, J, L and M all run 64·T1, 32 s). Each one was a timer-queue entry plus two objects that lived through the
/// collector's young generations, and the runtime's timer thread walked that whole list on every firing (4 % of the
/// server's CPU at 2,000 calls/s, bench/RESULTS.md).</para>
/// <para>How: a transaction arms only a handful of distinct durations (T1 doubling, T2, T4, 64·T1, the 2 s trim), and
/// all armings of one duration fall due in the order they were made (the clock only moves forward). So each
/// duration gets a FIFO ring: arming is an append, disarming clears the slot in place (the arming and its
/// transaction can go at once), and the earliest deadline is the earliest head among a few rings. Equal due times
/// fire in the order they were armed. Shard context only.</para>
/// </summary>
internal sealed class TransactionDeadlines
{
    private readonly List<Ring> _rings = [];
    private long _order;

    /// <summary>Armings filed and neither fired nor disarmed.</summary>
    public int Count { get; private set; }

    public void Add(TransactionTimer timer, long duration)
    {
        Ring? ring = null;
        foreach (var candidate in _rings)
        {
            if (candidate.Duration == duration)
            {
                ring = candidate;
                break;
            }
        }

        if (ring is null)
        {
            ring = new Ring(duration);
            _rings.Add(ring);
        }

        ring.Add(timer, _order++);
        Count++;
    }

    /// <summary>Clears a disarmed arming's slot, so that nothing keeps it (or its transaction) until it was due.</summary>
    public void Remove(TransactionTimer timer)
    {
        if (timer.Ring is { } ring && ring.Clear(timer.Ticket, timer))
        {
            Count--;
        }
    }

    /// <summary>The earliest deadline still armed.</summary>
    public bool TryGetNextDue(out long due)
    {
        var ring = Earliest();
        due = ring is null ? 0 : ring.HeadDue;
        return ring is not null;
    }

    /// <summary>Takes the armed deadline that is due first, if it is due at or before <paramref name="now"/>.</summary>
    public bool TryTakeDue(long now, out TransactionTimer timer)
    {
        var ring = Earliest();
        if (ring is null || ring.HeadDue > now)
        {
            timer = null!;
            return false;
        }

        timer = ring.TakeHead();
        Count--;
        return true;
    }

    public void Clear()
    {
        _rings.Clear();
        Count = 0;
    }

    private Ring? Earliest()
    {
        Ring? earliest = null;
        foreach (var ring in _rings)
        {
            if (ring.HasHead && (earliest is null || ring.HeadDue < earliest.HeadDue || (ring.HeadDue == earliest.HeadDue && ring.HeadOrder < earliest.HeadOrder)))
            {
                earliest = ring;
            }
        }

        return earliest;
    }

    /// <summary>The armings of one duration, in arming order (hence due order); tickets are monotonic positions,
    /// the slot is the ticket masked by the power-of-two capacity.</summary>
    internal sealed class Ring(long duration)
    {
        private Slot[] _slots = new Slot[64];
        private long _first;
        private long _next;

        public long Duration { get; } = duration;

        public bool HasHead
        {
            get
            {
                DropClearedHead();
                return _first != _next;
            }
        }

        public long HeadDue => _slots[_first & (_slots.Length - 1)].Timer!.Due;

        public long HeadOrder => _slots[_first & (_slots.Length - 1)].Order;

        public void Add(TransactionTimer timer, long order)
        {
            DropClearedHead();
            if (_next - _first == _slots.Length)
            {
                var larger = new Slot[_slots.Length * 2];
                for (var ticket = _first; ticket < _next; ticket++)
                {
                    larger[ticket & (larger.Length - 1)] = _slots[ticket & (_slots.Length - 1)];
                }

                _slots = larger;
            }

            var issued = _next++;
            _slots[issued & (_slots.Length - 1)] = new Slot(timer, order);
            timer.Filed(this, issued);
        }

        public bool Clear(long ticket, TransactionTimer timer)
        {
            if (ticket < _first || ticket >= _next)
            {
                return false;
            }

            ref var slot = ref _slots[ticket & (_slots.Length - 1)];
            if (!ReferenceEquals(slot.Timer, timer))
            {
                return false;
            }

            slot = default;
            return true;
        }

        /// <summary>Only after <see cref="HasHead"/> said true.</summary>
        public TransactionTimer TakeHead()
        {
            ref var slot = ref _slots[_first & (_slots.Length - 1)];
            var timer = slot.Timer!;
            slot = default;
            _first++;
            return timer;
        }

        private void DropClearedHead()
        {
            while (_first != _next && _slots[_first & (_slots.Length - 1)].Timer is null)
            {
                _first++;
            }
        }

        private readonly record struct Slot(TransactionTimer? Timer, long Order);
    }
}
