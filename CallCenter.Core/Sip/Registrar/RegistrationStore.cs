using CallCenter.Core.Sip.Transport;
using System.Collections.Immutable;
using CallCenter.Core.Sip.Transactions;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// The live registrations (RFC 3261 §10's location service), in memory (STYLE.md §9): bindings per extension, one
/// expiry timer, a change feed per consumer, and a write-behind copy in SQLite when opened over a database.
/// <para>Threading: every method is thread-safe. One lock guards the maps; nothing under it blocks or calls foreign
/// code (feeds and the writer only take non-blocking writes), logging happens after it is released. Snapshots
/// handed out are immutable. Each extension carries a version so that the registrar can decide outside the lock and
/// commit only if nothing changed meanwhile.</para>
/// </summary>
public sealed partial class RegistrationStore : IAsyncDisposable
{
    // A binding's expiry is at most MaxExpires (a week at most by the schema) away; re-arming at least daily keeps
    // the timer within every platform's range whatever the clock says.
    private static readonly TimeSpan LongestTimerWait = TimeSpan.FromDays(1);

    private readonly object _gate = new();
    private readonly Dictionary<string, Aor> _aors = new(StringComparer.Ordinal);
    private readonly Dictionary<long, ContactBinding> _byId = [];
    private readonly ExpiryQueue _expiries;
    private readonly List<RegistrationFeed> _feeds = [];
    private readonly TimeProvider _time;
    private readonly long _epoch;
    private readonly ITimer _timer;
    private readonly RegistrationWriter? _writer;
    private readonly ILogger _logger;
    private TimeSpan _armedFor = TimeSpan.MaxValue;
    private long _nextId = 1;
    private long _version;
    private long _timerFirings;
    private bool _disposed;

    /// <summary>A store that lives in memory only (tests, or a node without a database).</summary>
    public RegistrationStore(TimeProvider time, ILogger<RegistrationStore> logger)
        : this(time, logger, writer: null)
    {
    }

    private RegistrationStore(TimeProvider time, ILogger logger, RegistrationWriter? writer)
    {
        _time = time;
        _logger = logger;
        _writer = writer;
        _expiries = new ExpiryQueue(_byId);
        _epoch = time.GetTimestamp();
        _timer = time.CreateTimer(static state => ((RegistrationStore)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider Time => _time;

    public int BindingCount
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>Extensions with at least one binding.</summary>
    public int AorCount
    {
        get
        {
            lock (_gate)
            {
                return _aors.Count;
            }
        }
    }

    /// <summary>Changes waiting for the database writer; bounded by the number of bindings (one entry each).</summary>
    public int PendingWrites => _writer?.PendingWrites ?? 0;

    public long WriteFailures => _writer?.Failures ?? 0;

    /// <summary>Entries in the expiry index, stale ones included (bounded by twice the bindings, see ExpiryQueue).</summary>
    internal int ExpiryEntries
    {
        get
        {
            lock (_gate)
            {
                return _expiries.Count;
            }
        }
    }

    /// <summary>How often the single expiry timer fired; it is re-armed for the soonest expiry, never per binding.</summary>
    public long ExpiryTimerFirings => Interlocked.Read(ref _timerFirings);

    // Monotonic time since the store started: expiry logic must not jump with an NTP step.
    internal TimeSpan Now => _time.GetElapsedTime(_epoch);

    /// <summary>The extension's bindings in no particular order.</summary>
    public ImmutableArray<ContactBinding> GetBindings(string extension)
    {
        lock (_gate)
        {
            return _aors.TryGetValue(extension, out var aor) ? aor.Bindings : [];
        }
    }

    /// <summary>
    /// The extension's bindings in the order call routing should try them: reachable or not yet probed before
    /// unreachable, then higher q first (no q counts as 1.0, the top of §20.10's range), then the most recently
    /// refreshed first.
    /// </summary>
    public IReadOnlyList<ContactBinding> GetContacts(string extension)
    {
        var bindings = GetBindings(extension);
        return bindings.Length switch
        {
            0 => [],
            1 => [bindings[0]],
            _ => [.. bindings
                .OrderBy(b => b.Reachability == Reachability.Unreachable ? 1 : 0)
                .ThenByDescending(b => b.Q ?? 1.0)
                .ThenByDescending(b => b.UpdatedAt)],
        };
    }

    /// <summary>A snapshot of every binding, for the console and the qualifier.</summary>
    public IReadOnlyList<ContactBinding> GetAll()
    {
        lock (_gate)
        {
            return [.. _byId.Values];
        }
    }

    public bool TryGet(long id, out ContactBinding binding)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out binding!);
        }
    }

    /// <summary>The binding's remaining lifetime on the monotonic clock; zero once it is due.</summary>
    public TimeSpan GetRemaining(ContactBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var remaining = binding.ExpiresAt - Now;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    /// <summary>Subscribes to changes from now on; dispose the feed to stop.</summary>
    public RegistrationFeed Subscribe(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var feed = new RegistrationFeed(this, capacity);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _feeds.Add(feed);
        }

        return feed;
    }

    /// <summary>
    /// A TCP or TLS connection closed: every binding registered over it becomes <see cref="Reachability.Unreachable"/>.
    /// Its flow is gone and the address it came from is the phone's ephemeral port, so a call would try it in vain;
    /// ranked last, it is tried only if nothing better is registered. It is not removed: like Kamailio and Asterisk by
    /// default, the binding lives until it expires or the phone registers again over a new connection (which makes
    /// it reachable again), since a phone may reconnect and a test tool may close after registering. Returns how many.
    /// </summary>
    public int MarkFlowClosed(SipFlow flow)
    {
        if (!flow.IsStream)
        {
            return 0;
        }

        List<ContactBinding> affected;
        lock (_gate)
        {
            affected = _byId.Values.Where(b => b.Target.Flow is { } f && f.ConnectionId == flow.ConnectionId && f.Listener == flow.Listener).ToList();
        }

        var marked = affected.Count(b => SetReachability(b.Id, Reachability.Unreachable, out _, b.Target));
        if (marked > 0)
        {
            LogFlowClosed(_logger, marked, flow.ToString());
        }

        return marked;
    }

    /// <summary>
    /// A configuration reload deleted users: their bindings end now rather than at their expiry, so that no call is
    /// routed to a user that no longer exists and the console stops listing it. Returns how many were removed.
    /// </summary>
    public int RemoveUnknownExtensions(Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(exists);
        List<ContactBinding> gone;
        lock (_gate)
        {
            gone = _byId.Values.Where(b => !exists(b.Extension)).ToList();
        }

        var removed = gone.Count(b => Remove(b.Id));
        if (removed > 0)
        {
            LogUsersDeleted(_logger, removed);
        }

        return removed;
    }

    /// <summary>Removes one binding (the console's "unregister"); false when it is gone already.</summary>
    public bool Remove(long id)
    {
        ContactBinding? removed;
        bool firstDrop;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out removed))
            {
                return false;
            }

            DetachLocked(removed);
            var aor = _aors[removed.Extension];
            ReplaceAorLocked(removed.Extension, aor.Bindings.Remove(removed));
            firstDrop = PublishLocked(RegistrationChangeKind.Removed, removed);
            ArmLocked();
        }

        ReportDrop(firstDrop);
        return true;
    }

    /// <summary>
    /// Records a probe result. Returns true, with the state it replaced, only when the state changed, so that the
    /// caller logs a transition once rather than every probe. A binding removed meanwhile is left alone, and so is
    /// one that moved to another target than <paramref name="probedTarget"/> while the probe was out: the verdict
    /// was about the old flow.
    /// </summary>
    public bool SetReachability(long id, Reachability state, out Reachability previous, SipTarget? probedTarget = null)
    {
        bool firstDrop;
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var binding) || binding.Reachability == state
                || (probedTarget is not null && binding.Target != probedTarget))
            {
                previous = binding?.Reachability ?? Reachability.Unknown;
                return false;
            }

            previous = binding.Reachability;
            var updated = binding with { Reachability = state };
            _byId[id] = updated;
            var aor = _aors[binding.Extension];
            ReplaceAorLocked(binding.Extension, aor.Bindings.Replace(binding, updated));

            // Reachability is re-learnt after a restart, so the database is not told.
            firstDrop = PublishLocked(RegistrationChangeKind.ReachabilityChanged, updated);
        }

        ReportDrop(firstDrop);
        return true;
    }

    /// <summary>Waits until every change made so far is in the database; completes at once without one.</summary>
    public Task FlushAsync() => _writer?.FlushAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        List<RegistrationFeed> feeds;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            WriteDeferredLocked();
            feeds = [.. _feeds];
            _feeds.Clear();
        }

        await _timer.DisposeAsync();
        foreach (var feed in feeds)
        {
            feed.Complete();
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }
    }

    internal AorSnapshot GetSnapshot(string extension)
    {
        lock (_gate)
        {
            return _aors.TryGetValue(extension, out var aor) ? new AorSnapshot(aor.Version, aor.Bindings) : new AorSnapshot(0, []);
        }
    }

    /// <summary>
    /// The registrar's commit (§10.3 step 7: all updates of one REGISTER become visible together or not at all).
    /// Fails, changing nothing, when the extension changed since <paramref name="expectedVersion"/> was read; the
    /// registrar then decides again on the new state. An upsert with Id 0 is a new binding and gets its id here.
    /// </summary>
    internal bool TryCommit(
        string extension,
        long expectedVersion,
        IReadOnlyList<ContactBinding> upserts,
        IReadOnlyList<(ContactBinding Binding, RegistrationChangeKind Why)> removals,
        out ImmutableArray<ContactBinding> result,
        out IReadOnlyList<ContactBinding> added)
    {
        bool firstDrop = false;
        List<ContactBinding>? newOnes = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Aor? current = _aors.TryGetValue(extension, out var aor) ? aor : null;
            if ((current?.Version ?? 0) != expectedVersion)
            {
                result = default;
                added = [];
                return false;
            }

            // Sized for the result when nothing is removed (the usual refresh), so that it becomes the array as it is.
            var currentBindings = current?.Bindings ?? [];
            var list = ImmutableArray.CreateBuilder<ContactBinding>(currentBindings.Length + CountNew(upserts));
            list.AddRange(currentBindings);
            for (var i = 0; i < removals.Count; i++)
            {
                var (binding, why) = removals[i];
                var stored = _byId[binding.Id];
                DetachLocked(stored);
                list.Remove(stored);
                firstDrop |= PublishLocked(why, stored);
            }

            for (var i = 0; i < upserts.Count; i++)
            {
                var upsert = upserts[i];
                if (upsert.Id == 0)
                {
                    var created = upsert with { Id = _nextId++ };
                    AttachLocked(created);
                    list.Add(created);
                    (newOnes ??= []).Add(created);
                    firstDrop |= PublishLocked(RegistrationChangeKind.Added, created);
                }
                else
                {
                    var stored = _byId[upsert.Id];
                    var write = !CanDeferLocked(stored, upsert);
                    DetachLocked(stored, write);
                    AttachLocked(upsert, write);
                    list[list.IndexOf(stored)] = upsert;
                    firstDrop |= PublishLocked(RegistrationChangeKind.Refreshed, upsert);
                }
            }

            result = list.Count == list.Capacity ? list.MoveToImmutable() : list.ToImmutable();
            ReplaceAorLocked(extension, result);
            ArmLocked();
        }

        ReportDrop(firstDrop);
        added = newOnes is null ? [] : newOnes;
        return true;
    }

    private static int CountNew(IReadOnlyList<ContactBinding> upserts)
    {
        var count = 0;
        for (var i = 0; i < upserts.Count; i++)
        {
            count += upserts[i].Id == 0 ? 1 : 0;
        }

        return count;
    }

    internal void Unsubscribe(RegistrationFeed feed)
    {
        lock (_gate)
        {
            _feeds.Remove(feed);
        }
    }

    // Files the binding; write false: a refresh the database need not see yet (RegistrationStore.WriteBack.cs).
    private void AttachLocked(ContactBinding binding, bool write = true)
    {
        _byId[binding.Id] = binding;
        _expiries.Added(binding);
        if (!write)
        {
            DeferredLocked(binding);
            return;
        }

        _writer?.EnqueueUpsert(binding);
        WrittenLocked(binding);
    }

    // Takes the binding out of the id map, which also retires its expiry entry; the caller fixes the extension's list.
    // write false: it is put back at once (a refresh), and the database row stays.
    private void DetachLocked(ContactBinding binding, bool write = true)
    {
        _byId.Remove(binding.Id);
        if (write)
        {
            _writer?.EnqueueDelete(binding.Id);
            ForgottenLocked(binding.Id);
        }
    }

    private void ReplaceAorLocked(string extension, ImmutableArray<ContactBinding> bindings)
    {
        if (bindings.IsEmpty)
        {
            _aors.Remove(extension);
        }
        else
        {
            _aors[extension] = new Aor(++_version, bindings);
        }
    }

    private bool PublishLocked(RegistrationChangeKind kind, ContactBinding binding)
    {
        if (_feeds.Count == 0)
        {
            return false;
        }

        var change = new RegistrationChange(kind, binding);
        var firstDrop = false;
        foreach (var feed in _feeds)
        {
            firstDrop |= feed.Publish(change);
        }

        return firstDrop;
    }

    private void ReportDrop(bool firstDrop)
    {
        if (firstDrop)
        {
            LogFeedOverflow(_logger);
        }
    }

    // A struct stored in the map: a commit replaces it without leaving an object behind for the GC's oldest generation.
    private readonly record struct Aor(long Version, ImmutableArray<ContactBinding> Bindings);
}

/// <summary>An extension's bindings with the version they were read at (0 when it has none).</summary>
internal readonly record struct AorSnapshot(long Version, ImmutableArray<ContactBinding> Bindings);
