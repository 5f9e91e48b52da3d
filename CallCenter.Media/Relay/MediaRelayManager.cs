using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CallCenter.Media.Relay;

/// <summary>
/// Owns the RTP port range, every open <see cref="MediaRelay"/>, and the one heartbeat that checks all relays for
/// media timeouts (one timer for all streams, not one per stream). The B2BUA asks it for a relay per call with
/// <see cref="TryCreateRelay"/>, which never throws on exhaustion: a full range is an answer (typically 503), not
/// a fault. Thread-safe; creating and closing relays happens on call loops, never on the packet path.
/// On Linux it also owns the event loops that read the relays' sockets, and gives each new relay to the one serving
/// the fewest relays, all four sockets of a relay to the same loop. Its one <see cref="PlaybackPacer"/> paces every
/// stream the relays play (prompts, music on hold, tones).
/// </summary>
public sealed class MediaRelayManager : IAsyncDisposable
{
    private readonly MediaRelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RtpPortAllocator _allocator;
    private readonly MediaLogGate _logGate = new();
    private readonly ConcurrentDictionary<long, MediaRelay> _relays = new();
    private readonly MediaLegCounters _retired = new();

    // A closing relay leaves the active set and adds its counters to _retired in one step under this lock, and a
    // statistics read takes both under it too: otherwise a read in between would miss the relay altogether.
    private readonly object _statisticsGate = new();
    private readonly byte[] _cname;
    private readonly ITimer _heartbeat;
    private readonly RelayEventLoop[] _eventLoops;
    private readonly RtpSocketPool? _pool;
    private readonly PlaybackPacer _pacer;
    private readonly bool _pacingThread;
    private readonly int _maxOpenPairs;
    private long _nextId;
    private int _nextLoop;
    private long _created;
    private long _exhaustions;
    private long _timeouts;
    private int _disposed;
    private int _heartbeatRunning;

    public MediaRelayManager(MediaRelayOptions options, TimeProvider time, ILogger<MediaRelayManager> logger)
        : this(options, time, logger, pacingThread: true)
    {
    }

    /// <param name="pacingThread">False for tests on a fake clock: nothing plays until they call
    /// <see cref="RunDuePacingTicks"/>, which then makes exactly the frames due by the clock.</param>
    internal MediaRelayManager(MediaRelayOptions options, TimeProvider time, ILogger<MediaRelayManager> logger, bool pacingThread)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time;
        _logger = logger;
        _allocator = new RtpPortAllocator(options.PortMin, options.PortMax);
        _cname = Encoding.ASCII.GetBytes(options.Cname);
        _eventLoops = options.UseEventLoop ? StartEventLoops(options.EventLoopCount, options.BindAddress.AddressFamily, logger) : [];

        var descriptors = DescriptorLimit.Current();
        _maxOpenPairs = options.MaxOpenSocketPairs ?? OpenPairBudget(_allocator.PairCount, descriptors);

        // Only event-loop relays leave their sockets open and unread when they close; receive loops end by closing them.
        _pool = _eventLoops.Length > 0 && options.IdleSocketPairs > 0
            ? new RtpSocketPool(PoolCapacity(options.IdleSocketPairs, _allocator.PairCount, descriptors), options.SocketPairCoolDown, time)
            : null;
        _pacingThread = pacingThread;
        _pacer = new PlaybackPacer(time, logger, pacingThread);
        _heartbeat = time.CreateTimer(static state => ((MediaRelayManager)state!).Heartbeat(), this, options.HeartbeatInterval, options.HeartbeatInterval);
        MediaLog.Ready(logger, _allocator.FirstPort, options.PortMax, options.BindAddress, options.MediaTimeout, _eventLoops.Length, _maxOpenPairs / 2);
    }

    public int ActiveRelays => _relays.Count;

    /// <summary>
    /// Relays that can still be opened now: what the descriptor budget leaves beside the pairs in calls (idle pooled
    /// pairs count as free, a new relay takes them). The call layer refuses a new call with 503 when this is zero,
    /// before it answers anything, rather than discover it half-way through the set-up.
    /// </summary>
    public int RelaysAvailable => Math.Max(0, _maxOpenPairs - (_allocator.PairsInUse - (_pool?.Count ?? 0))) / 2;

    /// <summary>True when the relays' sockets are served by dedicated event loops (see <see cref="MediaRelayOptions.UseEventLoop"/>).</summary>
    public bool UsesEventLoop => _eventLoops.Length > 0;

    /// <summary>How many event loops serve the relays (zero when the runtime's async sockets do).</summary>
    public int EventLoopCount => _eventLoops.Length;

    /// <summary>The loops that started; if the kernel refuses descriptors for some, the relays share the others,
    /// and if it refuses the first, they fall back to the runtime's async sockets.</summary>
    private static RelayEventLoop[] StartEventLoops(int count, AddressFamily family, ILogger logger)
    {
        var loops = new List<RelayEventLoop>(count);
        for (var i = 0; i < count; i++)
        {
            if (RelayEventLoop.TryStart(family, i, logger) is not { } loop)
            {
                break;
            }

            loops.Add(loop);
        }

        return [.. loops];
    }

    /// <summary>The loop serving the fewest relays; among equals, the one after the last pick, so that a burst of
    /// relays created before any closes is dealt out in turn. Relay counts stand in for packet load: a held call
    /// weighs as much as a talking one, which evens out over many calls. Two concurrent picks may choose the same
    /// loop; the next picks make up for it.</summary>
    private RelayEventLoop? PickEventLoop()
    {
        var loops = _eventLoops;
        if (loops.Length == 0)
        {
            return null;
        }

        var start = (int)((uint)Interlocked.Increment(ref _nextLoop) % (uint)loops.Length);
        var best = loops[start];
        for (var i = 1; i < loops.Length; i++)
        {
            var candidate = loops[(start + i) % loops.Length];
            if (candidate.Relays < best.Relays)
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>Runs the pacing ticks due by the clock, for a manager made without its pacing thread.</summary>
    internal int RunDuePacingTicks() =>
        _pacingThread ? throw new InvalidOperationException("The pacing thread runs the ticks of this manager.") : _pacer.RunDueTicks();

    /// <summary>Eventfd wake-ups each event loop was sent so far, in loop order.</summary>
    internal long[] EventLoopWakes() => Array.ConvertAll(_eventLoops, loop => loop.Wakes);

    /// <summary>Relays per event loop now, in loop order (empty without event loops).</summary>
    internal int[] RelaysPerEventLoop() => Array.ConvertAll(_eventLoops, loop => loop.Relays);

    public MediaRelayManagerStatistics Statistics
    {
        get
        {
            MediaLegStatistics totals;
            lock (_statisticsGate)
            {
                totals = _retired.Snapshot();
                foreach (var relay in _relays.Values)
                {
                    var statistics = relay.Statistics;
                    totals = MediaLegStatistics.Sum(totals, MediaLegStatistics.Sum(statistics.A, statistics.B));
                }
            }

            return new MediaRelayManagerStatistics
            {
                ActiveRelays = _relays.Count,
                RelaysCreated = Interlocked.Read(ref _created),
                PortPairsInUse = _allocator.PairsInUse - (_pool?.Count ?? 0),
                IdleSocketPairs = _pool?.Count ?? 0,
                SocketPairsReused = _pool?.Reused ?? 0,
                PortPairs = _allocator.PairCount,
                MaxOpenSocketPairs = _maxOpenPairs,
                RelaysAvailable = RelaysAvailable,
                PortExhaustions = Interlocked.Read(ref _exhaustions),
                MediaTimeouts = Interlocked.Read(ref _timeouts),
                RelaysPerEventLoop = RelaysPerEventLoop(),
                PlayingStreams = _pacer.Playing,
                PacingTicksSkipped = _pacer.SkippedTicks,
                Totals = totals,
            };
        }
    }

    /// <summary>Idle pairs the pool may keep: the configured number, at most half the port range, and at most a
    /// quarter of the process's file descriptors (two sockets a pair). Under a 20,000-descriptor limit the default
    /// 4,096 pairs would hold 8,192 descriptors idle while a burst of calls ran out of them.</summary>
    internal static int PoolCapacity(int configured, int portPairs, int? descriptorLimit) =>
        Math.Min(Math.Min(configured, portPairs / 2), descriptorLimit is { } limit ? limit / 8 : int.MaxValue);

    /// <summary>
    /// Socket pairs the relays may hold open at once: the port range, and what the process's descriptor limit
    /// leaves after a reserve for everything else (SIP connections, the database, logs, the runtime itself: one
    /// eighth, at least 256). Running out of descriptors is not an answer the way a full port range is: the
    /// runtime needs them too, and it aborted the process ("Out of memory.") when a cold burst of calls under a
    /// 20,000 limit took them all.
    /// </summary>
    internal static int OpenPairBudget(int portPairs, int? descriptorLimit) =>
        descriptorLimit is { } limit ? Math.Min(portPairs, Math.Max(2, (limit - Math.Max(256, limit / 8)) / 2)) : portPairs;

    /// <summary>
    /// Opens a relay with two socket pairs and starts its loops. False with <see cref="MediaRelayError.PortsExhausted"/>
    /// when no two free pairs are left, <see cref="MediaRelayError.SocketBudgetExhausted"/> when the descriptor
    /// budget is spent. The relay belongs to the caller, who disposes it when the call ends.
    /// </summary>
    public bool TryCreateRelay(IMediaRelayObserver observer, [NotNullWhen(true)] out MediaRelay? relay, out MediaRelayError error)
    {
        ArgumentNullException.ThrowIfNull(observer);
        relay = null;
        if (Volatile.Read(ref _disposed) != 0)
        {
            error = MediaRelayError.Stopped;
            return false;
        }

        if (!TryOpenPair(out var a, out error))
        {
            return false;
        }

        if (!TryOpenPair(out var b, out error))
        {
            ClosePair(a);
            return false;
        }

        var id = Interlocked.Increment(ref _nextId);
        relay = new MediaRelay(id, observer, _time, _logger, _logGate, a, b, _options.BindAddress.AddressFamily, _cname, OnRelayClosed, PickEventLoop(), _pacer);
        _relays[id] = relay;
        Interlocked.Increment(ref _created);
        relay.Start();
        MediaLog.RelayOpened(_logger, id, a.RtpPort, b.RtpPort);
        return true;
    }

    private bool TryOpenPair([NotNullWhen(true)] out RtpSocketPair? pair, out MediaRelayError error)
    {
        // A pair that has cooled down first: no socket to open or bind.
        if (_pool is not null && _pool.TryTake(evenIfWarm: false, out pair))
        {
            error = MediaRelayError.None;
            return true;
        }

        // (When the range is the smaller bound, running out of it is reported as such below.)
        if (_maxOpenPairs < _allocator.PairCount && _allocator.PairsInUse >= _maxOpenPairs)
        {
            // At the budget, a pooled pair is the only one to be had (warm or not): it is already open.
            if (_pool is not null && _pool.TryTake(evenIfWarm: true, out pair))
            {
                error = MediaRelayError.None;
                return true;
            }

            if (_logGate.ShouldLog(MediaLogGate.Kind.SocketBudget, out var refused))
            {
                MediaLog.SocketBudgetExhausted(_logger, _maxOpenPairs, refused);
            }

            pair = null;
            error = MediaRelayError.SocketBudgetExhausted;
            return false;
        }

        // Ports held by other programs are skipped; each pair is tried at most once per call.
        for (var attempt = 0; attempt < _allocator.PairCount; attempt++)
        {
            if (!_allocator.TryReserve(out var port))
            {
                break;
            }

            if (RtpSocketPair.TryBind(_options.BindAddress, port, out pair, out var socketError))
            {
                error = MediaRelayError.None;
                return true;
            }

            _allocator.Release(port);

            // Out of file descriptors: the pool's idle pairs hold descriptors a pool-less server would have closed,
            // so one of them, even a warm one, must serve before the call is refused for their sake.
            if (socketError == SocketError.TooManyOpenSockets && _pool is not null && _pool.TryTake(evenIfWarm: true, out pair))
            {
                error = MediaRelayError.None;
                return true;
            }

            if (socketError != SocketError.AddressAlreadyInUse)
            {
                // Out of descriptors, this fails for every call of a burst: one line per decade, not per call.
                if (_logGate.ShouldLog(MediaLogGate.Kind.BindFailure, out var failures))
                {
                    MediaLog.BindFailed(_logger, _options.BindAddress, socketError, failures);
                }

                error = MediaRelayError.BindFailed;
                return false;
            }

            MediaLog.PortTaken(_logger, port);
        }

        // Every port is in a call or idle in the pool: a pair still cooling down is better than refusing the call.
        if (_pool is not null && _pool.TryTake(evenIfWarm: true, out pair))
        {
            error = MediaRelayError.None;
            return true;
        }

        var count = Interlocked.Increment(ref _exhaustions);
        MediaLog.PortsExhausted(_logger, _allocator.FirstPort, _options.PortMax, count);
        pair = null;
        error = MediaRelayError.PortsExhausted;
        return false;
    }

    private void ClosePair(RtpSocketPair pair)
    {
        pair.Dispose();
        _allocator.Release(pair.RtpPort);
    }

    /// <summary>Runs at the end of the relay's DisposeAsync, after its sockets closed and its loops ended.</summary>
    private void OnRelayClosed(MediaRelay relay)
    {
        lock (_statisticsGate)
        {
            if (!_relays.TryRemove(relay.Id, out _))
            {
                return;
            }

            Retire(relay.Leg(MediaLegSide.A).Counters);
            Retire(relay.Leg(MediaLegSide.B).Counters);
        }

        foreach (var side in (ReadOnlySpan<MediaLegSide>)[MediaLegSide.A, MediaLegSide.B])
        {
            if (relay.Leg(side).Sockets is not { } sockets)
            {
                continue;
            }

            if (!relay.KeepsSocketsOpen)
            {
                // Its receive loops ended by closing the sockets.
                _allocator.Release(sockets.RtpPort);
            }
            else if (_pool is null)
            {
                ClosePair(sockets);
            }
            else if (_pool.Return(sockets) is { } closing)
            {
                // The pool is full (its oldest comes back) or closed (the manager is stopping).
                ClosePair(closing);
            }
        }
    }

    private void Retire(MediaLegCounters counters)
    {
        var s = counters.Snapshot();
        Interlocked.Add(ref _retired.PacketsIn, s.PacketsIn);
        Interlocked.Add(ref _retired.BytesIn, s.BytesIn);
        Interlocked.Add(ref _retired.PacketsOut, s.PacketsOut);
        Interlocked.Add(ref _retired.BytesOut, s.BytesOut);
        Interlocked.Add(ref _retired.Garbage, s.Garbage);
        Interlocked.Add(ref _retired.ForeignSource, s.ForeignSource);
        Interlocked.Add(ref _retired.UnexpectedPayloadType, s.UnexpectedPayloadType);
        Interlocked.Add(ref _retired.NotForwarded, s.NotForwarded);
        Interlocked.Add(ref _retired.SendFailures, s.SendFailures);
        Interlocked.Add(ref _retired.LatchChanges, s.LatchChanges);
        Interlocked.Add(ref _retired.SourceChanges, s.SourceChanges);
        Interlocked.Add(ref _retired.Digits, s.Digits);
        Interlocked.Add(ref _retired.RtcpIn, s.RtcpIn);
        Interlocked.Add(ref _retired.RtcpOut, s.RtcpOut);
        Interlocked.Add(ref _retired.RtcpGarbage, s.RtcpGarbage);
        Interlocked.Add(ref _retired.RtcpForeignSource, s.RtcpForeignSource);
        Interlocked.Add(ref _retired.ObserverFaults, s.ObserverFaults);
        Interlocked.Add(ref _retired.ReceiveErrors, s.ReceiveErrors);
    }

    /// <summary>
    /// One timer for every relay (as the SIP transport does for its connections). Runs on a timer thread — inline
    /// in the test clock's Advance — and only reads stamps and posts to observers, which must not block.
    /// </summary>
    private void Heartbeat()
    {
        var timeout = _options.MediaTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        // A system timer may start the next callback while this one still runs; the checks assume one at a time.
        if (Interlocked.Exchange(ref _heartbeatRunning, 1) != 0)
        {
            return;
        }

        try
        {
            var now = _time.GetTimestamp();
            foreach (var relay in _relays.Values)
            {
                Interlocked.Add(ref _timeouts, relay.CheckMediaTimeout(now, timeout));
            }
        }
        catch (Exception e)
        {
            MediaLog.HeartbeatFault(_logger, e);
        }
        finally
        {
            Volatile.Write(ref _heartbeatRunning, 0);
        }
    }

    /// <summary>Stops the heartbeat, closes every relay still open, then ends the event loops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _heartbeat.DisposeAsync();
        foreach (var relay in _relays.Values)
        {
            await relay.DisposeAsync();
        }

        foreach (var loop in _eventLoops)
        {
            await loop.DisposeAsync();
        }

        await _pacer.DisposeAsync();

        foreach (var pair in _pool?.TakeAll() ?? [])
        {
            ClosePair(pair);
        }
    }
}
