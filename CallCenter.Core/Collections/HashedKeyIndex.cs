using System.Numerics;

namespace CallCenter.Core.Collections;

/// <summary>
/// The index of a <see cref="DueRing{TKey, TEntry}"/> whose keys are already keyed 64-bit hashes (Timer J's
/// <c>CompletedTransactions</c>, the digest replay table): open addressing with linear probing, key and position side
/// by side in one 16-byte slot, at most half full.
/// <para>Why not <c>Dictionary&lt;ulong, long&gt;</c>: at 16,000 registrations a second Timer J holds a million
/// entries, and every request that arrives is looked up (most of them miss: they are new). A dictionary's lookup reads
/// its bucket array and then its entry array, two cache misses in tables far larger than the cache, and it was 7 % of a
/// registration's CPU with the expiry's removals (perf on the register probe, bench/RESULTS.md session 11). Here a
/// lookup reads one slot and usually its neighbours in the same cache line. Removal shifts the following run back
/// (no tombstones), so lookups never slow down as entries come and go.</para>
/// Not thread-safe, as its ring.
/// </summary>
internal sealed class HashedKeyIndex
{
    private Slot[] _slots;
    private int _shift;

    public HashedKeyIndex(int capacity)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(8, capacity * 2));
        _slots = new Slot[size];
        _shift = 64 - BitOperations.Log2((uint)size);
    }

    public int Count { get; private set; }

    /// <summary>Slots in the table (twice what it may hold).</summary>
    public int Size => _slots.Length;

    /// <summary>Files <paramref name="value"/> (not negative) under <paramref name="key"/>, replacing what was there.</summary>
    public void Set(ulong key, long value)
    {
        if ((Count + 1) * 2 > _slots.Length)
        {
            Resize(_slots.Length * 2);
        }

        var mask = _slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Stored == 0)
            {
                slot = new Slot(key, value + 1);
                Count++;
                return;
            }

            if (slot.Key == key)
            {
                slot.Stored = value + 1;
                return;
            }
        }
    }

    public bool TryGetValue(ulong key, out long value)
    {
        var mask = _slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Stored == 0)
            {
                value = 0;
                return false;
            }

            if (slot.Key == key)
            {
                value = slot.Stored - 1;
                return true;
            }
        }
    }

    /// <summary>Takes <paramref name="key"/> out if it is filed with <paramref name="value"/> (a newer entry filed
    /// under the same key stays).</summary>
    public bool Remove(ulong key, long value)
    {
        var mask = _slots.Length - 1;
        var i = Home(key);
        while (true)
        {
            ref var slot = ref _slots[i];
            if (slot.Stored == 0)
            {
                return false;
            }

            if (slot.Key == key)
            {
                if (slot.Stored != value + 1)
                {
                    return false;
                }

                break;
            }

            i = (i + 1) & mask;
        }

        // Backward shift: each later slot of the run whose home is not between the hole and it moves into the hole,
        // so that every remaining key is still reachable from its home without a gap.
        var hole = i;
        for (var j = (hole + 1) & mask; _slots[j].Stored != 0; j = (j + 1) & mask)
        {
            var home = Home(_slots[j].Key);
            var reachable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
            if (reachable)
            {
                _slots[hole] = _slots[j];
                hole = j;
            }
        }

        _slots[hole] = default;
        Count--;
        return true;
    }

    /// <summary>Makes room for <paramref name="capacity"/> keys at most half full (the ring grew).</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity * 2 > _slots.Length)
        {
            Resize((int)BitOperations.RoundUpToPowerOf2((uint)(capacity * 2)));
        }
    }

    // Fibonacci hashing: the top bits of key·2^64/φ, so that a key's high bits count too.
    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    private void Resize(int size)
    {
        var old = _slots;
        _slots = new Slot[size];
        _shift = 64 - BitOperations.Log2((uint)size);
        Count = 0;
        var mask = size - 1;
        foreach (var slot in old)
        {
            if (slot.Stored == 0)
            {
                continue;
            }

            var i = Home(slot.Key);
            while (_slots[i].Stored != 0)
            {
                i = (i + 1) & mask;
            }

            _slots[i] = slot;
            Count++;
        }
    }

    // Stored is the value plus one, so that a zeroed slot is an empty one whatever its key.
    private struct Slot(ulong key, long stored)
    {
        public ulong Key = key;
        public long Stored = stored;
    }
}
