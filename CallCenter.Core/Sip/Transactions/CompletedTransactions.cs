using CallCenter.Core.Collections;
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

    /// <summary>The size of the chunks the arena is kept in once it is larger than one (a constructor argument, so
    /// that tests can take the chunked path with small arenas).</summary>
    public const int DefaultChunkBytes = 1 << 20;

    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    private readonly int _maxArenaBytes;
    private readonly Action<SipTransactionKind> _ended;
    private readonly Action<Entry> _left;
    private readonly DueRing<ulong, Entry> _entries = new(InitialEntries);
    private readonly int _chunkBytes;

    // The arena is _capacity bytes (a power of two) in chunks of min(_capacity, _chunkBytes): a run never crosses a
    // chunk. Growing past one chunk moves chunk references instead of copying bytes, and a chunk is allocated when a
    // run first lands in it. A doubled array touched twice the memory the store needed and copied the old one, and
    // the old array's memory went back to the system; where the first touch of a page is dear (a VM that returns
    // freed memory to its host: 5-15 µs a page on the bench machine, bench/RESULTS.md session 12), that cost the
    // growing arena a good part of a registration's CPU.
    private byte[]?[] _chunks = [new byte[InitialArenaBytes]];
    private int _capacity = InitialArenaBytes;

    // Monotonic positions: arena bytes [_arenaTail, _arenaHead) are live; the physical slot is the position masked
    // by the (power of two) capacity.
    private long _arenaHead;
    private long _arenaTail;
    private long _evicted;

    /// <param name="ended">Told of every entry that leaves (due, evicted or cleared), with the kind of transaction it
    /// was: the transaction counts as alive until then.</param>
    public CompletedTransactions(int maxArenaBytes, Action<SipTransactionKind>? ended = null, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxArenaBytes, InitialArenaBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, InitialArenaBytes);
        _chunkBytes = (int)BitOperations.RoundUpToPowerOf2((uint)chunkBytes);
        _ended = ended ?? (static _ => { });
        _left = Left;
        _maxArenaBytes = (int)Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)maxArenaBytes));
    }

    public int Count => _entries.Count;

    public long BytesHeld => _arenaHead - _arenaTail;

    /// <summary>Entries that left before their time because the arena was full (read from any thread).</summary>
    public long Evicted => Volatile.Read(ref _evicted);

    /// <summary>The §17.2.3 key of an RFC 3261 request (magic-cookie branch) as a keyed 64-bit FNV-1a hash: the
    /// branch exactly, the sent-by case-insensitively, then the method.</summary>
    public static ulong KeyOf(string branch, string sentBy, string method) =>
        KeyHash.Finish(KeyHash.Add(KeyHash.Add(KeyHash.Add(Seed, branch), sentBy, ignoreCase: true), method));

    /// <summary><see cref="KeyOf(string, string, string)"/> of fields still in a message's bytes (ASCII,
    /// <see cref="SipRetransmissionScanner"/>).</summary>
    public static ulong KeyOf(ReadOnlySpan<byte> branch, ReadOnlySpan<byte> sentBy, string method) =>
        KeyHash.Finish(KeyHash.Add(KeyHash.Add(KeyHash.Add(Seed, branch), sentBy, ignoreCase: true), method));

    /// <summary>Keeps a completed transaction until <paramref name="due"/> (a <see cref="TimeProvider"/> timestamp).
    /// An empty <paramref name="response"/> with <paramref name="silenced"/> is a discarded one: retransmissions are
    /// absorbed with no answer. Returns how many entries this ended early: the oldest ones evicted to make room, plus
    /// this one if its response is too large to keep. <paramref name="keptAt"/> is when the response was sent.</summary>
    public int Add(ulong key, ReadOnlySpan<byte> response, SipFlow flow, long due, bool silenced, SipTransactionKind kind = SipTransactionKind.ServerNonInvite, long keptAt = long.MinValue)
    {
        var evictedBefore = _evicted;
        if (response.Length > Math.Min(_maxArenaBytes / 4, _chunkBytes))
        {
            Interlocked.Increment(ref _evicted);
            _ended(kind);
            return 1;
        }

        var start = Reserve(response.Length);
        response.CopyTo(Run(start, response.Length));
        if (Count == _entries.Capacity && !_entries.TryGrow(_maxArenaBytes / MinimumBytesPerEntry))
        {
            RemoveOldest(evicted: true);
        }

        _entries.Add(new Entry(key, start, response.Length, due, flow, silenced, kind, keptAt));
        return (int)(_evicted - evictedBefore);
    }

    /// <summary>The entry filed under <paramref name="key"/> whose response answers a request with
    /// <paramref name="branch"/>. The response is copied out: the arena slot is reused once the entry expires,
    /// and a send may outlive this call.</summary>
    public bool TryFind(ulong key, string branch, out Found found)
    {
        var length = Encoding.UTF8.GetByteCount(branch);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        var needle = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        try
        {
            Encoding.UTF8.GetBytes(branch, needle);
            return TryFind(key, needle, out found);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary><see cref="TryFind(ulong, string, out Found)"/> with the branch as the request's bytes.</summary>
    public bool TryFind(ulong key, ReadOnlySpan<byte> branch, out Found found)
    {
        found = new Found([], default, false, SipTransactionKind.ServerNonInvite, long.MinValue);
        if (!_entries.TryFind(key, out var sequence))
        {
            return false;
        }

        ref var entry = ref _entries[sequence];
        var bytes = Run(entry.Start, entry.Length);
        if (!entry.Silenced && bytes.IndexOf(branch) < 0)
        {
            return false;
        }

        found = new Found(bytes.ToArray(), entry.Flow, entry.Silenced, entry.Kind, entry.KeptAt);
        return true;
    }

    /// <summary>The timestamp at which the oldest entry is due, if there is one.</summary>
    public bool TryGetNextDue(out long due) => _entries.TryGetNextDue(out due);

    /// <summary>Removes every entry due at or before <paramref name="now"/>; returns how many. Gives memory back
    /// once a storm has passed.</summary>
    public int RemoveDue(long now)
    {
        var removed = _entries.RemoveDue(now, _left);
        if (removed > 0)
        {
            ShrinkArenaIfIdle();
        }

        return removed;
    }

    /// <summary>The arena's size now (it grows under load and shrinks after).</summary>
    public int ArenaBytes => _capacity;

    /// <summary>Empties the store (the layer's shutdown); returns how many entries there were.</summary>
    public int Clear() => _entries.RemoveDue(long.MaxValue, _left);

    private int ChunkLength => Math.Min(_capacity, _chunkBytes);

    /// <summary>The bytes of a run at <paramref name="position"/> (which never crosses a chunk).</summary>
    private Span<byte> Run(long position, int length)
    {
        var slot = (int)(position & (_capacity - 1));
        var chunk = _chunks[slot / ChunkLength] ??= new byte[ChunkLength];
        return chunk.AsSpan(slot & (ChunkLength - 1), length);
    }

    /// <summary>A contiguous run of <paramref name="length"/> bytes at the head of the arena: grows the arena while it
    /// may, then evicts the oldest entries. A run never wraps: the gap to the end is skipped instead.</summary>
    private long Reserve(int length)
    {
        while (true)
        {
            var start = _arenaHead;
            var room = ChunkLength - (int)(start & (ChunkLength - 1));
            if (length > room)
            {
                start += room;
            }

            if (start + length - _arenaTail <= _capacity)
            {
                _arenaHead = start + length;
                return start;
            }

            if (_capacity < _maxArenaBytes)
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
    /// (the new capacity's multiples are a subset of the old one's), and the live span is shorter than the old
    /// capacity. While the arena is one chunk the bytes are copied into a larger one; beyond, each old chunk goes
    /// where its runs now fall (old chunk i to new chunk i or i + old count), by reference. Only a chunk that held
    /// both the oldest and the newest runs (head wrapped into the tail's chunk) has runs bound for both places: those
    /// of one are copied into a chunk of their own. Chunks that held nothing are kept for the new empty places.</summary>
    private void GrowArena()
    {
        var capacity = _capacity * 2;
        if (capacity <= _chunkBytes)
        {
            var larger = new byte[capacity];
            for (var sequence = _entries.First; sequence < _entries.First + Count; sequence++)
            {
                ref var entry = ref _entries[sequence];
                Run(entry.Start, entry.Length).CopyTo(larger.AsSpan((int)(entry.Start & (capacity - 1)), entry.Length));
            }

            _chunks = [larger];
            _capacity = capacity;
            return;
        }

        var chunk = _chunkBytes;
        var old = _chunks;
        var chunks = new byte[]?[capacity / chunk];
        var placed = new int[old.Length];
        Array.Fill(placed, -1);
        for (var sequence = _entries.First; sequence < _entries.First + Count; sequence++)
        {
            ref var entry = ref _entries[sequence];
            var from = (int)(entry.Start & (_capacity - 1)) / chunk;
            var to = (int)(entry.Start & (capacity - 1)) / chunk;
            if (placed[from] == to)
            {
                continue;
            }

            if (placed[from] < 0 && chunks[to] is null)
            {
                chunks[to] = old[from];
                placed[from] = to;
                continue;
            }

            var offset = (int)(entry.Start & (chunk - 1));
            old[from].AsSpan(offset, entry.Length).CopyTo((chunks[to] ??= new byte[chunk]).AsSpan(offset, entry.Length));
        }

        var empty = 0;
        for (var i = 0; i < old.Length; i++)
        {
            if (placed[i] >= 0 || old[i] is not { } spare)
            {
                continue;
            }

            while (chunks[empty] is not null)
            {
                empty++;
            }

            chunks[empty] = spare;
        }

        _chunks = chunks;
        _capacity = capacity;
    }

    /// <summary>Halves the arena when what it holds has fallen under an eighth of it, so that a storm's memory is
    /// given back as its entries expire (a halving at a time, each copying less than an eighth). The live runs are
    /// laid out again from the tail under the smaller mask, each skipping to the start rather than wrapping, as in
    /// <see cref="Reserve"/>: they held at most a quarter of the new size, and the one skip is shorter than a run,
    /// so they fit.</summary>
    private void ShrinkArenaIfIdle()
    {
        if (_capacity <= InitialArenaBytes || BytesHeld > _capacity / 8)
        {
            return;
        }

        var capacity = _capacity / 2;
        var chunk = Math.Min(capacity, _chunkBytes);
        var chunks = new byte[]?[capacity / chunk];
        var mask = capacity - 1;
        var position = _arenaTail;
        for (var sequence = _entries.First; sequence < _entries.First + Count; sequence++)
        {
            ref var entry = ref _entries[sequence];
            var room = chunk - (int)(position & (chunk - 1));
            if (entry.Length > room)
            {
                position += room;
            }

            var slot = (int)(position & mask);
            Run(entry.Start, entry.Length).CopyTo((chunks[slot / chunk] ??= new byte[chunk]).AsSpan(slot & (chunk - 1), entry.Length));
            entry = entry with { Start = position };
            position += entry.Length;
        }

        _chunks = chunks;
        _capacity = capacity;
        _arenaHead = position;
        _arenaTail = Count == 0 ? position : _entries[_entries.First].Start;
    }

    private void RemoveOldest(bool evicted)
    {
        if (Count == 0)
        {
            // A run larger than what the arena holds with nothing in it cannot happen (Add refuses those).
            _arenaTail = _arenaHead;
            return;
        }

        Left(_entries.RemoveOldest());
        if (evicted)
        {
            Interlocked.Increment(ref _evicted);
        }
    }

    private void Left(Entry entry)
    {
        _ended(entry.Kind);
        _arenaTail = Count == 0 ? _arenaHead : _entries[_entries.First].Start;
    }

    /// <summary>A kept transaction as a lookup finds it: its response copied out, where to send it, whether it was
    /// discarded, its kind and when its response was sent.</summary>
    public readonly record struct Found(byte[] Response, SipFlow Flow, bool Silenced, SipTransactionKind Kind, long KeptAt);

    private readonly record struct Entry(ulong Key, long Start, int Length, long Due, SipFlow Flow, bool Silenced, SipTransactionKind Kind, long KeptAt) : IDueEntry<ulong>;
}
