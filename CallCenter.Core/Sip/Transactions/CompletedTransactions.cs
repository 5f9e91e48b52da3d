using System.Buffers;
using System.Numerics;
using System.Text;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One shard's completed non-INVITE server transactions over UDP, kept for Timer J (§17.2.2: 64·T1, 32 s by
/// default) so that a retransmitted request gets the same final response again, or nothing if the TU discarded it.
/// <para>Why not the transaction objects themselves: at a few thousand REGISTERs a second, 32 s of transactions is
/// hundreds of thousands of parsed requests and responses (about 10 KB each) that all survive into the GC's oldest
/// generation and die there. What a completed transaction still needs is small: its key, the bytes of its final
/// response and where to send them. Those go here, the object is dropped at once.</para>
/// <para>Every entry lives the same 64·T1, so expiry order is arrival order: entries sit in a FIFO ring and their
/// response bytes in one circular byte arena, which expire from the tail and cost the GC nothing per entry. The
/// index maps a keyed 64-bit hash of §17.2.3's key (branch, sent-by, method) to the entry; a hit is confirmed by
/// finding the request's branch in the stored response's Via (§8.2.6.2 copies it), so a hash collision costs a
/// missed absorb at worst, never a wrong answer.</para>
/// <para>Memory is bounded (STYLE §12): when the arena is full the oldest entries leave early and are counted. Such a
/// request retransmitted later is taken as new, which is what a client gets when the 64·T1 has passed anyway.</para>
/// Shard context only.
/// </summary>
internal sealed class CompletedTransactions
{
    private const int InitialArenaBytes = 64 * 1024;
    private const int InitialEntries = 256;
    private const int MinimumBytesPerEntry = 32;

    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    private readonly int _maxArenaBytes;
    private readonly Action<SipTransactionKind> _ended;
    private readonly Dictionary<ulong, long> _index = [];
    private byte[] _arena = new byte[InitialArenaBytes];
    private Entry[] _entries = new Entry[InitialEntries];

    // Monotonic positions: arena bytes [_arenaTail, _arenaHead) and entries [_first, _next) are live; the physical
    // slot is the position masked by the (power of two) capacity.
    private long _arenaHead;
    private long _arenaTail;
    private long _first;
    private long _next;
    private long _evicted;

    /// <param name="ended">Told of every entry that leaves (due, evicted or cleared), with the kind of transaction it
    /// was: the transaction counts as alive until then.</param>
    public CompletedTransactions(int maxArenaBytes, Action<SipTransactionKind>? ended = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArenaBytes, InitialArenaBytes);
        _ended = ended ?? (static _ => { });
        _maxArenaBytes = (int)Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)maxArenaBytes));
    }

    public int Count => (int)(_next - _first);

    public long BytesHeld => _arenaHead - _arenaTail;

    /// <summary>Entries that left before their time because the arena was full (read from any thread).</summary>
    public long Evicted => Volatile.Read(ref _evicted);

    /// <summary>The §17.2.3 key of an RFC 3261 request (magic-cookie branch) as a keyed 64-bit FNV-1a hash: the
    /// branch exactly, the sent-by case-insensitively, then the method.</summary>
    public static ulong KeyOf(string branch, string sentBy, string method)
    {
        const ulong prime = 0x100000001b3;
        var hash = Seed;
        foreach (var c in branch)
        {
            hash = (hash ^ c) * prime;
        }

        hash = (hash ^ 0x1F) * prime;
        foreach (var c in sentBy)
        {
            hash = (hash ^ char.ToLowerInvariant(c)) * prime;
        }

        hash = (hash ^ 0x1E) * prime;
        foreach (var c in method)
        {
            hash = (hash ^ c) * prime;
        }

        // FNV's low bits mix poorly; the dictionary uses them.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        return hash;
    }

    /// <summary>Keeps a completed transaction until <paramref name="due"/> (a <see cref="TimeProvider"/> timestamp).
    /// An empty <paramref name="response"/> with <paramref name="silenced"/> is a discarded one: retransmissions are
    /// absorbed with no answer. Returns how many entries this ended early: the oldest ones evicted to make room, plus
    /// this one if its response is too large to keep.</summary>
    public int Add(ulong key, ReadOnlySpan<byte> response, SipFlow flow, long due, bool silenced, SipTransactionKind kind = SipTransactionKind.ServerNonInvite)
    {
        var evictedBefore = _evicted;
        if (response.Length > _maxArenaBytes / 4)
        {
            Interlocked.Increment(ref _evicted);
            _ended(kind);
            return 1;
        }

        var start = Reserve(response.Length);
        response.CopyTo(_arena.AsSpan(Slot(start), response.Length));
        if (Count == _entries.Length && !GrowEntries())
        {
            RemoveOldest(evicted: true);
        }

        var sequence = _next++;
        _entries[sequence & (_entries.Length - 1)] = new Entry(key, start, response.Length, due, flow, silenced, kind);
        _index[key] = sequence;
        return (int)(_evicted - evictedBefore);
    }

    /// <summary>The entry filed under <paramref name="key"/> whose response answers a request with
    /// <paramref name="branch"/>. The response is copied out: the arena slot is reused once the entry expires,
    /// and a send may outlive this call.</summary>
    public bool TryFind(ulong key, string branch, out byte[] response, out SipFlow flow, out bool silenced)
    {
        response = [];
        flow = default;
        silenced = false;
        if (!_index.TryGetValue(key, out var sequence) || sequence < _first)
        {
            return false;
        }

        ref var entry = ref _entries[sequence & (_entries.Length - 1)];
        var bytes = _arena.AsSpan(Slot(entry.Start), entry.Length);
        if (!entry.Silenced && !ContainsBranch(bytes, branch))
        {
            return false;
        }

        response = bytes.ToArray();
        flow = entry.Flow;
        silenced = entry.Silenced;
        return true;
    }

    /// <summary>The timestamp at which the oldest entry is due, if there is one.</summary>
    public bool TryGetNextDue(out long due)
    {
        due = Count == 0 ? 0 : _entries[_first & (_entries.Length - 1)].Due;
        return Count != 0;
    }

    /// <summary>Removes every entry due at or before <paramref name="now"/>; returns how many.</summary>
    public int RemoveDue(long now)
    {
        var removed = 0;
        while (Count != 0 && _entries[_first & (_entries.Length - 1)].Due <= now)
        {
            RemoveOldest(evicted: false);
            removed++;
        }

        return removed;
    }

    /// <summary>Empties the store (the layer's shutdown); returns how many entries there were.</summary>
    public int Clear()
    {
        var count = Count;
        while (Count != 0)
        {
            RemoveOldest(evicted: false);
        }

        return count;
    }

    private static bool ContainsBranch(ReadOnlySpan<byte> response, string branch)
    {
        var length = Encoding.UTF8.GetByteCount(branch);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var needle = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        try
        {
            Encoding.UTF8.GetBytes(branch, needle);
            return response.IndexOf(needle) >= 0;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private int Slot(long position) => (int)(position & (_arena.Length - 1));

    /// <summary>A contiguous run of <paramref name="length"/> bytes at the head of the arena: grows the arena while it
    /// may, then evicts the oldest entries. A run never wraps: the gap to the end is skipped instead.</summary>
    private long Reserve(int length)
    {
        while (true)
        {
            var start = _arenaHead;
            var room = _arena.Length - Slot(start);
            if (length > room)
            {
                start += room;
            }

            if (start + length - _arenaTail <= _arena.Length)
            {
                _arenaHead = start + length;
                return start;
            }

            if (_arena.Length < _maxArenaBytes)
            {
                GrowArena();
            }
            else
            {
                RemoveOldest(evicted: true);
            }
        }
    }

    /// <summary>Doubles the arena. A live run keeps its position: doubling keeps it contiguous under the new mask
    /// (the new capacity's multiples are a subset of the old one's), and the live span is shorter than the old capacity.</summary>
    private void GrowArena()
    {
        var larger = new byte[_arena.Length * 2];
        for (var sequence = _first; sequence < _next; sequence++)
        {
            ref var entry = ref _entries[sequence & (_entries.Length - 1)];
            _arena.AsSpan(Slot(entry.Start), entry.Length).CopyTo(larger.AsSpan((int)(entry.Start & (larger.Length - 1)), entry.Length));
        }

        _arena = larger;
    }

    private bool GrowEntries()
    {
        if (_entries.Length >= _maxArenaBytes / MinimumBytesPerEntry)
        {
            return false;
        }

        var larger = new Entry[_entries.Length * 2];
        for (var sequence = _first; sequence < _next; sequence++)
        {
            larger[sequence & (larger.Length - 1)] = _entries[sequence & (_entries.Length - 1)];
        }

        _entries = larger;
        return true;
    }

    private void RemoveOldest(bool evicted)
    {
        if (Count == 0)
        {
            // A run larger than what the arena holds with nothing in it cannot happen (Add refuses those).
            _arenaTail = _arenaHead;
            return;
        }

        ref var entry = ref _entries[_first & (_entries.Length - 1)];
        if (_index.TryGetValue(entry.Key, out var filed) && filed == _first)
        {
            _index.Remove(entry.Key);
        }

        var kind = entry.Kind;
        entry = default;
        _first++;
        _ended(kind);
        _arenaTail = Count == 0 ? _arenaHead : _entries[_first & (_entries.Length - 1)].Start;
        if (evicted)
        {
            Interlocked.Increment(ref _evicted);
        }
    }

    private readonly record struct Entry(ulong Key, long Start, int Length, long Due, SipFlow Flow, bool Silenced, SipTransactionKind Kind);
}
