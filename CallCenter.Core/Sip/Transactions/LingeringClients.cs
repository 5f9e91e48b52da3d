using CallCenter.Core.Collections;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// One shard's client transactions that have nothing left to send and only wait out a lingering timer: INVITEs in
/// RFC 6026's Accepted state (Timer M, 64·T1: every 2xx, retransmitted or from another fork, still goes to the
/// owner) and non-INVITEs in Completed (Timer K, T4 over UDP: retransmitted responses are absorbed).
/// <para>Why not the transaction objects themselves: every answered call left its INVITE transaction for 32 s, and
/// with it a dozen objects (the transaction, its timers and timer array, its key strings, the owner's callbacks).
/// At 2,500 calls/s that was 80,000 transactions, all copied twice by young collections on their way to the oldest
/// generation, where they died; with them gone after 1 s a same-run A/B cost 10 % less CPU per call and 35 % less GC
/// pause (bench/RESULTS.md, session 9). What a lingering client transaction still needs is its key and, for an
/// INVITE, its owner and the owner's handle. Those go here as one array slot; the transaction is dropped.</para>
/// <para>Entries of one store all linger about as long, so expiry order is arrival order: a FIFO ring
/// (<see cref="DueRing{TKey, TEntry}"/>) that expires from its tail. A store whose entries linger for different times (timer options differ by target) expires a short
/// one behind a long one late, which keeps it absorbing a little longer and is harmless. The index maps a 128-bit
/// keyed hash of §17.1.3's key (branch, CSeq method) to the entry: our own branches are random, and the hash seeds
/// are secret, so a response a peer crafted cannot land on another call's entry.</para>
/// <para>Bounded (STYLE §12): past <see cref="_capacity"/> entries the oldest leave early and are counted; a response
/// for one is then a stray, as it would be after the timer anyway.</para>
/// Shard context only.
/// </summary>
internal sealed class LingeringClients
{
    private const int InitialEntries = 256;

    private static readonly ulong SeedLow = (ulong)Random.Shared.NextInt64() | 1;
    private static readonly ulong SeedHigh = (ulong)Random.Shared.NextInt64() | 1;

    private readonly int _capacity;
    private readonly Action<SipTransactionKind> _ended;
    private readonly Action<Entry> _left;
    private readonly DueRing<UInt128, Entry> _entries = new(InitialEntries);
    private long _evicted;

    /// <param name="capacity">Most entries held (rounded up to a power of two).</param>
    /// <param name="ended">Told of every entry that leaves (due, evicted or cleared), with its kind of transaction:
    /// the transaction counts as alive until then.</param>
    public LingeringClients(int capacity, Action<SipTransactionKind>? ended = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, InitialEntries);
        _capacity = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity));
        _ended = ended ?? (static _ => { });
        _left = Left;
    }

    public int Count => _entries.Count;

    /// <summary>Entries that left before their time because the store was full (read from any thread).</summary>
    public long Evicted => Volatile.Read(ref _evicted);

    /// <summary>§17.1.3's key — the top Via branch and the CSeq method, both exact — as a keyed 128-bit hash.</summary>
    public static UInt128 KeyOf(string branch, string method) =>
        new(KeyHash.Finish(KeyHash.Add(KeyHash.Add(SeedHigh, branch), method)), KeyHash.Finish(KeyHash.Add(KeyHash.Add(SeedLow, branch), method)));

    /// <summary>Keeps a client transaction until <paramref name="due"/> (a <see cref="TimeProvider"/> timestamp).
    /// An INVITE's keeps its <paramref name="owner"/> and <paramref name="invite"/> handle; a non-INVITE's only
    /// absorbs.</summary>
    public void Add(UInt128 key, long due, SipTransactionKind kind, ISipInviteOwner? owner = null, SipClientInvite? invite = null)
    {
        if (Count == _entries.Capacity && !_entries.TryGrow(_capacity))
        {
            RemoveOldest(evicted: true);
        }

        _entries.Add(new Entry(key, due, kind, owner, invite));
    }

    /// <summary>The entry filed under <paramref name="key"/>: its owner and handle, both null for a non-INVITE.</summary>
    public bool TryFind(UInt128 key, out ISipInviteOwner? owner, out SipClientInvite? invite)
    {
        owner = null;
        invite = null;
        if (!_entries.TryFind(key, out var sequence))
        {
            return false;
        }

        ref var entry = ref _entries[sequence];
        owner = entry.Owner;
        invite = entry.Invite;
        return true;
    }

    /// <summary>The timestamp at which the oldest entry is due, if there is one.</summary>
    public bool TryGetNextDue(out long due) => _entries.TryGetNextDue(out due);

    /// <summary>Removes the entries at the tail that are due at or before <paramref name="now"/>; returns how many.</summary>
    public int RemoveDue(long now) => _entries.RemoveDue(now, _left);

    /// <summary>Empties the store (the layer's shutdown); returns how many entries there were.</summary>
    public int Clear() => _entries.RemoveDue(long.MaxValue, _left);

    private void RemoveOldest(bool evicted)
    {
        Left(_entries.RemoveOldest());
        if (evicted)
        {
            Interlocked.Increment(ref _evicted);
        }
    }

    private void Left(Entry entry) => _ended(entry.Kind);

    private readonly record struct Entry(UInt128 Key, long Due, SipTransactionKind Kind, ISipInviteOwner? Owner, SipClientInvite? Invite) : IDueEntry<UInt128>;
}
