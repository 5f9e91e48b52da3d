using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Collections;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// Issues and checks nonces without keeping state per challenge, and remembers the nonce-count of nonces that
/// were actually used, in a bounded table.
/// <para>
/// A nonce is base64url(version || issued || random || MAC) with issued a monotonic timestamp (8 bytes), random
/// 8 bytes and MAC the 16-byte <see cref="NonceMac"/> of issued || random under the realm. The key is drawn
/// per process, so anyone may ask for as many challenges as they like without costing memory, a forged or
/// tampered nonce fails the MAC, and a nonce from before a restart is simply unknown (RFC 7616 §5.4 nonce
/// design; the realm in the MAC stops a nonce from one realm being used in another after a configuration change).
/// </para>
/// <para>
/// Replay (RFC 7616 §3.4 nc): per used nonce the highest nc seen is kept; a request with nc at or below it is a
/// replay. Only requests whose digest verified reach the table, so it grows with real clients, not with attackers.
/// When full the oldest entry is evicted and the newest evicted issue time becomes a watermark: a nonce not in the
/// table but issued at or before the watermark might have been used already, so it is treated as a replay too.
/// </para>
/// Thread-safe; called concurrently from every call's context. The lock covers only dictionary work.
/// </summary>
public sealed class DigestNonceManager
{
    /// <summary>
    /// Used nonces remembered. The table bounds how late a challenge may be answered while new nonces are used at a
    /// high rate: a nonce issued before the newest evicted one is refused (stale) on its first use. At 65,536 a
    /// REGISTER storm of 23,000/s whose answers lagged a few seconds behind their challenges (a cold start, a
    /// backlog) had 9,000-13,000 of 276,000 first uses refused as stale, and none with a table that never filled
    /// (bench/RESULTS.md, session 10). 2^19 holds 23 s of that storm in at most 43 MB (83 bytes an entry, measured
    /// with the dictionary's growth); only clients whose digest verified are entered, so only real phones fill it.
    /// A site of 10,000 phones re-registering hourly uses ~3 a second.
    /// </summary>
    public const int DefaultReplayCapacity = 1 << 19;

    // 2: the AES CBC-MAC (1 was a truncated HMAC-SHA256). The key is per process, so no older nonce survives anyway.
    private const byte Version = 2;
    private const int PayloadLength = 1 + 8 + 8;
    private const int MacLength = 16;
    private const int RawLength = PayloadLength + MacLength;
    private const int EncodedLength = (RawLength + 2) / 3 * 4;

    private readonly TimeProvider _time;
    private readonly NonceMac _mac;
    private readonly int _capacity;
    private readonly object _gate = new();

    // Used nonces in the order of first use, found by their random part (drawn by us, so already a uniform 64-bit
    // key: a one-cache-miss index, where a Dictionary<UInt128, uint> and a Queue were two misses and 3 % of a
    // registration). An index hit is confirmed against the whole id.
    private readonly DueRing<ulong, Used> _used = new(256);
    private long _watermark = long.MinValue;
    private long _evicted;

    public DigestNonceManager(TimeProvider time, int replayCapacity = DefaultReplayCapacity)
        : this(time, replayCapacity, RandomNumberGenerator.GetBytes(32))
    {
    }

    // A given key lets a benchmark start over with an empty replay table and still accept its prepared nonces.
    internal DigestNonceManager(TimeProvider time, int replayCapacity, byte[] key)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replayCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 32);
        _time = time;
        _capacity = replayCapacity;
        _mac = new NonceMac(key.AsSpan(0, 16));
    }

    /// <summary>Nonces whose nc is currently remembered (observability: the table is bounded by the capacity).</summary>
    public int TrackedCount
    {
        get
        {
            lock (_gate)
            {
                return _used.Count;
            }
        }
    }

    public long EvictedCount => Interlocked.Read(ref _evicted);

    public string CreateNonce(string realm)
    {
        Span<byte> raw = stackalloc byte[RawLength];
        raw[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(raw[1..], _time.GetTimestamp());
        SipRandom.Fill(raw.Slice(9, 8));
        _mac.Compute(realm, raw[1..PayloadLength], raw[PayloadLength..]);
        return Base64Url.EncodeToString(raw);
    }

    /// <summary>Checks origin and age. <paramref name="id"/> identifies the nonce for <see cref="TryUseCount"/>.</summary>
    public NonceValidity Validate(string nonce, string realm, TimeSpan lifetime, out NonceId id)
    {
        id = default;
        Span<byte> raw = stackalloc byte[RawLength];
        // The OperationStatus overload, because TryDecodeFromChars throws on characters outside the alphabet.
        if (nonce.Length != EncodedLength
            || Base64Url.DecodeFromChars(nonce, raw, out _, out var decoded) != OperationStatus.Done
            || decoded != RawLength
            || raw[0] != Version)
        {
            return NonceValidity.Unknown;
        }

        Span<byte> mac = stackalloc byte[MacLength];
        _mac.Compute(realm, raw[1..PayloadLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, raw[PayloadLength..]))
        {
            return NonceValidity.Unknown;
        }

        var issued = BinaryPrimitives.ReadInt64BigEndian(raw[1..]);
        var random = BinaryPrimitives.ReadUInt64BigEndian(raw[9..]);
        id = new NonceId(issued, random);

        // Elapsed time is monotonic (TimeProvider.GetTimestamp), so a clock change does not age or revive nonces.
        var age = _time.GetElapsedTime(issued);
        return age < TimeSpan.Zero || age > lifetime ? NonceValidity.Expired : NonceValidity.Valid;
    }

    /// <summary>
    /// Records a use of a valid nonce. With qop, <paramref name="nonceCount"/> must exceed every nc seen for this
    /// nonce; without qop (RFC 2069 clients, null) there is no counter, so the nonce may be used once only.
    /// False means a replay (or a nonce that can no longer be proven fresh).
    /// </summary>
    public bool TryUseCount(NonceId id, uint? nonceCount)
    {
        // 0 is never a valid nc (RFC 7616 §3.4 counts from 00000001).
        var count = nonceCount ?? uint.MaxValue;
        if (count == 0)
        {
            return false;
        }

        lock (_gate)
        {
            if (_used.TryFind(id.Random, out var sequence) && _used[sequence].Id == id)
            {
                ref var used = ref _used[sequence];
                if (count <= used.Highest || nonceCount is null)
                {
                    return false;
                }

                used = used with { Highest = count };
                return true;
            }

            if (id.Issued <= _watermark)
            {
                return false;
            }

            if (_used.Count >= _capacity)
            {
                var oldest = _used.RemoveOldest();
                _watermark = Math.Max(_watermark, oldest.Id.Issued);
                Interlocked.Increment(ref _evicted);
            }

            if (_used.Count == _used.Capacity)
            {
                _used.TryGrow(int.MaxValue);
            }

            // Two used nonces with the same random part (2^-64) would share an index slot: the older one could then
            // no longer be found, and its next use would be taken as a first one.
            _used.Add(new Used(id, count));
            return true;
        }
    }

    private readonly record struct Used(NonceId Id, uint Highest) : IDueEntry<ulong>
    {
        public ulong Key => Id.Random;

        // Entries leave by age of first use (RemoveOldest), never by a due time.
        public long Due => Id.Issued;
    }
}
