using System.Runtime.CompilerServices;

namespace CallCenter.Core.Collections;

/// <summary>An entry of a <see cref="DueRing{TKey, TEntry}"/>: its index key and when it is due (a TimeProvider timestamp).</summary>
internal interface IDueEntry<TKey>
{
    TKey Key { get; }

    long Due { get; }
}

/// <summary>
/// The FIFO under the lingering stores (Timer J's <c>CompletedTransactions</c>, <c>LingeringClients</c>, the digest
/// replay table): entries that all wait about as long, so expiry order is arrival order, kept as structs in a
/// power-of-two ring (no object per entry for the GC to copy) and found through an index from key to monotonic
/// position. The ring doubles up to a bound; the store decides what to do when it is full. Keys that are 64-bit
/// hashes go to a <see cref="HashedKeyIndex"/> (one cache miss a lookup), other keys to a dictionary. Not
/// thread-safe: its owner serializes access (a shard's context, the replay table's lock).
/// </summary>
internal sealed class DueRing<TKey, TEntry>(int initialEntries)
    where TKey : notnull
    where TEntry : struct, IDueEntry<TKey>
{
    private readonly Dictionary<TKey, long> _index = [];

    // typeof(TKey) is a constant for the JIT, so each ring compiles to one of the two indexes.
    private readonly HashedKeyIndex? _hashed = typeof(TKey) == typeof(ulong) ? new HashedKeyIndex(initialEntries) : null;
    private TEntry[] _entries = new TEntry[initialEntries];

    // Monotonic positions: entries [First, _next) are live; the slot is the position masked by the capacity.
    private long _next;

    public long First { get; private set; }

    public int Count => (int)(_next - First);

    public int Capacity => _entries.Length;

    /// <summary>The live entry at <paramref name="sequence"/> (between <see cref="First"/> and the last added).</summary>
    public ref TEntry this[long sequence] => ref _entries[sequence & (_entries.Length - 1)];

    /// <summary>Files an entry at the head; the caller has made room (<see cref="Count"/> below
    /// <see cref="Capacity"/>). A key filed again points at the newer entry.</summary>
    public void Add(in TEntry entry)
    {
        var sequence = _next++;
        this[sequence] = entry;
        if (typeof(TKey) == typeof(ulong))
        {
            var key = entry.Key;
            _hashed!.Set(Unsafe.As<TKey, ulong>(ref key), sequence);
        }
        else
        {
            _index[entry.Key] = sequence;
        }
    }

    /// <summary>The position of the live entry filed under <paramref name="key"/>.</summary>
    public bool TryFind(TKey key, out long sequence)
    {
        var found = typeof(TKey) == typeof(ulong)
            ? _hashed!.TryGetValue(Unsafe.As<TKey, ulong>(ref key), out sequence)
            : _index.TryGetValue(key, out sequence);
        return found && sequence >= First;
    }

    /// <summary>Keys in the index (each live entry's, unless a newer entry took its key).</summary>
    public int IndexedCount => typeof(TKey) == typeof(ulong) ? _hashed!.Count : _index.Count;

    /// <summary>When the oldest entry is due, if there is one.</summary>
    public bool TryGetNextDue(out long due)
    {
        due = Count == 0 ? 0 : this[First].Due;
        return Count != 0;
    }

    /// <summary>Takes out, oldest first, every entry at the tail due at or before <paramref name="now"/> (all of them
    /// with long.MaxValue), telling <paramref name="removed"/> of each; returns how many.</summary>
    public int RemoveDue(long now, Action<TEntry> removed)
    {
        var count = 0;
        while (Count != 0 && this[First].Due <= now)
        {
            removed(RemoveOldest());
            count++;
        }

        return count;
    }

    /// <summary>Takes the oldest entry out (there is one).</summary>
    public TEntry RemoveOldest()
    {
        ref var slot = ref this[First];
        var entry = slot;
        var key = entry.Key;
        if (typeof(TKey) == typeof(ulong))
        {
            _hashed!.Remove(Unsafe.As<TKey, ulong>(ref key), First);
        }
        else if (_index.TryGetValue(key, out var filed) && filed == First)
        {
            _index.Remove(key);
        }

        slot = default;
        First++;
        return entry;
    }

    /// <summary>Doubles the ring if it is below <paramref name="limit"/> entries; false when it may not grow.</summary>
    public bool TryGrow(int limit)
    {
        if (_entries.Length >= limit)
        {
            return false;
        }

        var larger = new TEntry[_entries.Length * 2];
        for (var sequence = First; sequence < _next; sequence++)
        {
            larger[sequence & (larger.Length - 1)] = this[sequence];
        }

        _entries = larger;
        _hashed?.EnsureCapacity(larger.Length);
        return true;
    }
}
