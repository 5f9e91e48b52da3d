using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// The built-in fail2ban. Counts authentication failures per source and bans a source that reaches
/// <see cref="SipSecurityOptions.MaxFailures"/> failures inside a sliding <see cref="SipSecurityOptions.FindWindow"/>
/// for <see cref="SipSecurityOptions.BanTime"/>. A success from the source clears its count.
/// <para>
/// Sources: an IPv4 address, or the /64 of an IPv6 address, because one IPv6 host owns a whole /64 and could
/// otherwise step past any per-address ban. IPv4-mapped IPv6 addresses count as their IPv4 address. Sources in
/// <see cref="SipSecurityOptions.TrustedNetworks"/> are never counted nor banned; loopback is NOT exempt (interop
/// tests attack 127.0.0.1 and expect a ban). A spoofed UDP source can get a real phone's address banned: trusted
/// networks are the answer for the office LAN, and one NAT shared by many phones should be listed there too.
/// </para>
/// <para>
/// Memory is bounded: at most <c>capacity</c> sources, each holding MaxFailures timestamps. When full, the source
/// whose last failure is oldest is forgotten first; only if every tracked source is banned does the ban that ends
/// soonest go. Expired entries are dropped lazily when touched and by <see cref="Sweep"/>, which the owner calls
/// from its heartbeat: there is no timer here.
/// </para>
/// Thread-safe; every method may be called from any call's context. Logging happens outside the lock.
/// </summary>
public sealed partial class AuthFailureTracker
{
    public const int DefaultCapacity = 10_000;

    /// <summary>A suspect source gets one failure answer per this interval (see <see cref="ShouldThrottle"/>).</summary>
    public static readonly TimeSpan ThrottleInterval = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time;
    private readonly ILogger<AuthFailureTracker> _logger;
    private readonly int _capacity;
    private readonly object _gate = new();
    private readonly Dictionary<UInt128, Entry> _entries = [];

    // Sources that are counting but not banned, least recently failed first: the eviction order.
    private readonly LinkedList<Entry> _counting = new();
    private int _banCount;
    private long _evicted;

    public AuthFailureTracker(TimeProvider time, ILogger<AuthFailureTracker> logger, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _time = time;
        _logger = logger;
        _capacity = capacity;
    }

    public int TrackedCount
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Sources forgotten because the table was full; a rising value means a wide scan or a too small cap.</summary>
    public long EvictedCount => Interlocked.Read(ref _evicted);

    /// <summary>Cheap enough to call for every datagram: without any ban it reads one field and takes no lock.</summary>
    public bool IsBanned(IPAddress address)
    {
        if (Volatile.Read(ref _banCount) == 0)
        {
            return false;
        }

        var (key, _) = Normalize(address);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry) || !entry.Banned)
            {
                return false;
            }

            if (BanActive(entry, _time.GetTimestamp()))
            {
                return true;
            }

            RemoveLocked(entry);
            return false;
        }
    }

    /// <summary>Counts one failure; true when this failure started a ban (logged once, here).</summary>
    public bool RecordFailure(IPAddress address, SipSecurityOptions options, DigestFailure reason)
    {
        var (key, source) = Normalize(address);
        if (IsTrusted(address, options))
        {
            LogTrustedFailure(source, reason);
            return false;
        }

        var maxFailures = Math.Max(1, options.MaxFailures);
        AuthBan? ban = null;
        int count;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_entries.TryGetValue(key, out var entry))
            {
                if (entry.Banned)
                {
                    if (BanActive(entry, now))
                    {
                        return false;
                    }

                    RemoveLocked(entry);
                    entry = null;
                }
                else if (entry.Times.Length != maxFailures)
                {
                    // MaxFailures changed on reload: start this source afresh with the new ring size.
                    RemoveLocked(entry);
                    entry = null;
                }
            }

            if (entry is null)
            {
                MakeRoomLocked();
                entry = new Entry(key, source, maxFailures);
                entry.Node = _counting.AddLast(entry);
                _entries.Add(key, entry);
            }
            else
            {
                _counting.Remove(entry.Node!);
                _counting.AddLast(entry.Node!);
            }

            // Sliding window: the ring holds the last MaxFailures failure times; once full, its oldest slot is
            // the MaxFailures-th most recent failure, and a ban is due when that one is inside the window.
            entry.Times[entry.Next] = now;
            entry.Next = (entry.Next + 1) % maxFailures;
            entry.Filled = Math.Min(entry.Filled + 1, maxFailures);
            entry.Total++;
            count = entry.Total;

            if (entry.Filled == maxFailures && _time.GetElapsedTime(entry.Times[entry.Next], now) <= options.FindWindow)
            {
                _counting.Remove(entry.Node!);
                entry.Node = null;
                entry.Banned = true;
                entry.BannedAt = now;
                entry.BanTime = options.BanTime;
                entry.BannedAtUtc = _time.GetUtcNow();
                _banCount++;
                ban = Snapshot(entry);
            }
        }

        LogFailure(source, reason, count);
        if (ban is not null)
        {
            LogBanned(ban.Source, ban.Failures, options.FindWindow, ban.Until);
            return true;
        }

        return false;
    }

    /// <summary>
    /// The throttle before the ban: a source with at least half of <c>MaxFailures</c> failures inside the window is a
    /// suspect and gets at most one failure answer per second; the caller leaves the others unanswered (a real phone
    /// retransmits, a scanner loses its pace and learns nothing). True means: do not answer this one. Failures are
    /// still counted by <see cref="RecordFailure"/>, so the ban comes as configured.
    /// </summary>
    public bool ShouldThrottle(IPAddress address, SipSecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsTrusted(address, options))
        {
            return false;
        }

        var (key, _) = Normalize(address);
        var suspectAt = Math.Max(2, (Math.Max(1, options.MaxFailures) + 1) / 2);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry) || entry.Banned)
            {
                return false;
            }

            var now = _time.GetTimestamp();
            if (RecentFailures(entry, now, options.FindWindow) < suspectAt)
            {
                return false;
            }

            if (entry.LastAnswer is { } last && _time.GetElapsedTime(last, now) < ThrottleInterval)
            {
                return true;
            }

            entry.LastAnswer = now;
            return false;
        }
    }

    /// <summary>A source that authenticated is a real phone: forget its failures (a ban, if any, stays).</summary>
    public void RecordSuccess(IPAddress address)
    {
        var (key, _) = Normalize(address);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && !entry.Banned)
            {
                RemoveLocked(entry);
            }
        }
    }

    /// <summary>Lifts a ban (console action). False if the source was not banned.</summary>
    public bool Unban(IPAddress address)
    {
        var (key, source) = Normalize(address);
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry) || !entry.Banned)
            {
                return false;
            }

            RemoveLocked(entry);
        }

        LogUnbanned(source);
        return true;
    }

    /// <summary>The active bans, soonest to end first.</summary>
    public ImmutableArray<AuthBan> GetBans()
    {
        var builder = ImmutableArray.CreateBuilder<AuthBan>();
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var entry in _entries.Values)
            {
                if (entry.Banned && BanActive(entry, now))
                {
                    builder.Add(Snapshot(entry));
                }
            }
        }

        builder.Sort((a, b) => a.Until.CompareTo(b.Until));
        return builder.ToImmutable();
    }

    /// <summary>
    /// Drops ended bans and sources with no failure inside the window. O(tracked sources); call it from a
    /// heartbeat every minute or so, not per request. Returns how many entries went.
    /// </summary>
    public int Sweep(SipSecurityOptions options)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            List<Entry>? expired = null;
            foreach (var entry in _entries.Values)
            {
                var gone = entry.Banned
                    ? !BanActive(entry, now)
                    : _time.GetElapsedTime(entry.LastFailure, now) > options.FindWindow;
                if (gone)
                {
                    (expired ??= []).Add(entry);
                }
            }

            if (expired is null)
            {
                return 0;
            }

            foreach (var entry in expired)
            {
                RemoveLocked(entry);
            }

            return expired.Count;
        }
    }

    private static bool IsTrusted(IPAddress address, SipSecurityOptions options)
    {
        if (options.TrustedNetworks.IsDefaultOrEmpty)
        {
            return false;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var network in options.TrustedNetworks)
        {
            if (network.Contains(plain))
            {
                return true;
            }
        }

        return false;
    }

    private static (UInt128 Key, IPNetwork Source) Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            var v4 = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
            return (((UInt128)0xFFFF << 32) | v4, new IPNetwork(address, 32));
        }

        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        var prefix = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return ((UInt128)prefix << 64, new IPNetwork(new IPAddress(bytes), 64));
    }

    private bool BanActive(Entry entry, long now) => _time.GetElapsedTime(entry.BannedAt, now) < entry.BanTime;

    private AuthBan Snapshot(Entry entry) =>
        new(entry.Source, entry.BannedAtUtc, entry.BannedAtUtc + entry.BanTime, entry.Total);

    private void MakeRoomLocked()
    {
        if (_entries.Count < _capacity)
        {
            return;
        }

        Entry? victim = _counting.First?.Value;
        if (victim is null)
        {
            // Every tracked source is banned: give up the ban closest to its end rather than refuse to count.
            foreach (var entry in _entries.Values)
            {
                if (victim is null || EndsBefore(entry, victim))
                {
                    victim = entry;
                }
            }
        }

        RemoveLocked(victim!);
        Interlocked.Increment(ref _evicted);
    }

    private static bool EndsBefore(Entry a, Entry b) => a.BannedAtUtc + a.BanTime < b.BannedAtUtc + b.BanTime;

    private void RemoveLocked(Entry entry)
    {
        _entries.Remove(entry.Key);
        if (entry.Node is not null)
        {
            _counting.Remove(entry.Node);
            entry.Node = null;
        }

        if (entry.Banned)
        {
            _banCount--;
        }
    }

    private int RecentFailures(Entry entry, long now, TimeSpan window)
    {
        var count = 0;
        for (var i = 1; i <= entry.Filled; i++)
        {
            var at = entry.Times[(entry.Next - i + entry.Times.Length) % entry.Times.Length];
            if (_time.GetElapsedTime(at, now) > window)
            {
                break;
            }

            count++;
        }

        return count;
    }

    private sealed class Entry(UInt128 key, IPNetwork source, int maxFailures)
    {
        public UInt128 Key { get; } = key;
        public IPNetwork Source { get; } = source;
        public long[] Times { get; } = new long[maxFailures];
        public int Next { get; set; }
        public int Filled { get; set; }
        public int Total { get; set; }
        public LinkedListNode<Entry>? Node { get; set; }
        public bool Banned { get; set; }
        public long BannedAt { get; set; }
        public TimeSpan BanTime { get; set; }
        public DateTimeOffset BannedAtUtc { get; set; }

        /// <summary>When a failure answer last went to this source while it was a suspect.</summary>
        public long? LastAnswer { get; set; }

        public long LastFailure => Times[(Next + Times.Length - 1) % Times.Length];
    }
}
