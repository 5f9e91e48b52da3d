namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// The bindings of a <see cref="RegistrationStore"/> in expiry order, for its one timer. A binary heap rather than a
/// sorted set: a refresh, by far the most common change, adds an entry without allocating a tree node (which lived as
/// long as its binding and then became garbage in the GC's oldest generation), and the entry it replaces is not
/// searched for but left where it is. An entry is live while the store holds its binding with that very expiry;
/// others are dropped when they reach the top. They are bounded: once they outnumber the live ones, the heap is
/// rebuilt from the bindings, which over the refreshes that made them costs O(1) each. Ties expire in binding id
/// order, as before. Under the store's lock only.
/// </summary>
internal sealed class ExpiryQueue(Dictionary<long, ContactBinding> bindings)
{
    private readonly PriorityQueue<long, (TimeSpan ExpiresAt, long Id)> _heap = new();

    /// <summary>Entries held, live or not (observability and tests).</summary>
    public int Count => _heap.Count;

    /// <summary>Call after the binding was put in the store's map.</summary>
    public void Added(ContactBinding binding)
    {
        _heap.Enqueue(binding.Id, (binding.ExpiresAt, binding.Id));
        if (_heap.Count > (2 * bindings.Count) + 64)
        {
            _heap.Clear();
            foreach (var live in bindings.Values)
            {
                _heap.Enqueue(live.Id, (live.ExpiresAt, live.Id));
            }
        }
    }

    /// <summary>The soonest live expiry. A binding taken out of the map needs no call: its entry goes stale.</summary>
    public bool TryPeek(out long id, out TimeSpan expiresAt)
    {
        while (_heap.TryPeek(out id, out var due))
        {
            if (bindings.TryGetValue(id, out var binding) && binding.ExpiresAt == due.ExpiresAt)
            {
                expiresAt = due.ExpiresAt;
                return true;
            }

            _heap.Dequeue();
        }

        expiresAt = TimeSpan.MaxValue;
        return false;
    }
}
