using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace CallCenter.Media.Relay;

/// <summary>
/// Anchors the media of one call: two legs, each with its own RTP/RTCP socket pair; what leg A's phone sends
/// arrives on A's socket and leaves from B's socket to B's phone, and the other way round. The relay rewrites
/// SSRC, sequence numbers and timestamps so each phone sees one steady stream from us (see
/// <see cref="RtpStreamRewriter"/>), converts PCMU↔PCMA when the legs chose differently, passes RFC 4733 events
/// (renumbering their payload type) and reports each key press to the owner. RTCP is terminated per leg: the
/// relay reads what a phone reports and sends its own reports about the stream it receives from that phone.
/// Threads: on Linux one of the manager's <see cref="RelayEventLoop"/>s reads all four sockets (RTP and RTCP of each
/// leg), so both directions of a call run on one thread; elsewhere, or with the loop switched off, four receive loops per relay do. <see cref="Configure"/> and
/// <see cref="DisposeAsync"/> run on the owner's call loop; the timeout check on the manager's heartbeat; generated
/// frames on the manager's pacing thread. The one lock is each stream's <see cref="MediaLeg.RewriterGate"/>, held
/// for a header rewrite by the receive loop and the pacing thread; see <see cref="MediaLeg"/> for who owns what.
/// It can also play audio to a leg instead of relaying (prompts, music on hold, tones, paced by the manager's one
/// <see cref="PlaybackPacer"/>) and listen for in-band digits.
/// Split by aspect: .Forwarding.cs (the per-packet decision, no sockets), .EventLoop.cs and .Loops.cs (the two ways
/// of reading the sockets), .Rtcp.cs, .Timeout.cs, .Playback.cs.
/// </summary>
public sealed partial class MediaRelay : IAsyncDisposable
{
    private readonly MediaLeg _a;
    private readonly MediaLeg _b;
    private readonly IMediaRelayObserver _observer;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly ILogger _logger;
    private readonly MediaLogGate _logGate;
    private readonly byte[] _cname;
    private readonly Action<MediaRelay>? _closed;
    private readonly CancellationTokenSource _closing = new();
    private readonly IPEndPoint _anyEndPoint;
    private readonly RelayEventLoop? _eventLoop;
    private readonly PlaybackPacer? _pacer;
    private Task[] _loops = [];
    private int _disposed;

    internal MediaRelay(
        long id,
        IMediaRelayObserver observer,
        TimeProvider time,
        ILogger logger,
        MediaLogGate logGate,
        RtpSocketPair? a,
        RtpSocketPair? b,
        AddressFamily family,
        byte[] cname,
        Action<MediaRelay>? closed,
        RelayEventLoop? eventLoop = null,
        PlaybackPacer? pacer = null)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Id = id;
        _observer = observer;
        _time = time;
        _started = time.GetTimestamp();
        _logger = logger;
        _logGate = logGate;
        _cname = cname;
        _closed = closed;
        _eventLoop = eventLoop;
        _pacer = pacer;
        _anyEndPoint = new IPEndPoint(family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        // RFC 3550 §5.1, §8: SSRC, first sequence number and first timestamp are random.
        _a = new MediaLeg(MediaLegSide.A, a, family, (uint)Random.Shared.NextInt64(1, uint.MaxValue), (ushort)Random.Shared.Next(ushort.MaxValue), (uint)Random.Shared.NextInt64(uint.MaxValue));
        _b = new MediaLeg(MediaLegSide.B, b, family, (uint)Random.Shared.NextInt64(1, uint.MaxValue), (ushort)Random.Shared.Next(ushort.MaxValue), (uint)Random.Shared.NextInt64(uint.MaxValue));
        var now = _time.GetTimestamp();
        _a.LastRtp = now;
        _b.LastRtp = now;
        _a.NextRtcpDue = RtcpInterval / 2;
        _b.NextRtcpDue = RtcpInterval / 2;
    }

    public long Id { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Where the leg's phone must send RTP: the port to put in the SDP given to that phone.</summary>
    public IPEndPoint LocalRtpEndPoint(MediaLegSide side) => Leg(side).Sockets?.LocalRtp ?? throw new InvalidOperationException("This relay has no sockets.");

    public IPEndPoint LocalRtcpEndPoint(MediaLegSide side) => Leg(side).Sockets?.LocalRtcp ?? throw new InvalidOperationException("This relay has no sockets.");

    /// <summary>
    /// Applies one completed offer/answer to a leg: its remote address, codec and payload types. Call it again
    /// for every re-INVITE or transfer. Each call re-opens the latch (see <see cref="AcceptSource"/>) and restarts
    /// the leg's silence clock. Safe from any thread; takes effect for the next packet.
    /// </summary>
    public void Configure(MediaLegSide side, MediaLegSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        settings.Validate();
        var leg = Leg(side);
        while (true)
        {
            var current = leg.Destination;
            if (leg.TrySwapDestination(current, LegDestination.Configure(settings, current, leg.Family)))
            {
                break;
            }
        }

        Volatile.Write(ref leg.LastRtp, _time.GetTimestamp());
    }

    public MediaRelayStatistics Statistics => new(Snapshot(_a), Snapshot(_b));

    /// <summary>An event-loop relay hands its sockets back open when it closes (the loop no longer reads them): the
    /// manager keeps them for a later relay or closes them. Receive loops instead end by their sockets closing.</summary>
    internal bool KeepsSocketsOpen => _eventLoop is not null && _closed is not null;

    /// <summary>Which of the manager's event loops serves this relay; null when receive loops do.</summary>
    internal int? EventLoopIndex => _eventLoop?.Index;

    internal MediaLeg Leg(MediaLegSide side) => side == MediaLegSide.A ? _a : _b;

    internal MediaLeg Other(MediaLeg leg) => ReferenceEquals(leg, _a) ? _b : _a;

    private static MediaLegStatistics Snapshot(MediaLeg leg)
    {
        var destination = leg.Destination;
        var peer = Volatile.Read(ref leg.PeerReport);
        return leg.Counters.Snapshot() with
        {
            Remote = destination?.RtpEndPoint,
            Latched = destination?.RtpLatched ?? false,
            PeerFractionLost = peer?.Block.FractionLost,
            PeerJitter = peer?.Block.Jitter,
        };
    }

    /// <summary>Hands the four sockets to the event loop, or starts their receive loops; the manager calls it once
    /// the relay is registered.</summary>
    internal void Start()
    {
        if (_a.Sockets is not { } a || _b.Sockets is not { } b)
        {
            throw new InvalidOperationException("A relay without sockets cannot start.");
        }

        if (_eventLoop is not null)
        {
            // The loop receives only when epoll says a socket is readable, but a datagram can still vanish in
            // between; a non-blocking socket then answers WouldBlock instead of stalling every call.
            foreach (var socket in (ReadOnlySpan<Socket>)[a.Rtp, a.Rtcp, b.Rtp, b.Rtcp])
            {
                socket.Blocking = false;
            }

            _eventLoop.Add(this);
            return;
        }

        _loops =
        [
            Task.Run(() => ReceiveRtpAsync(_a), CancellationToken.None),
            Task.Run(() => ReceiveRtpAsync(_b), CancellationToken.None),
            Task.Run(() => ReceiveRtcpAsync(_a), CancellationToken.None),
            Task.Run(() => ReceiveRtcpAsync(_b), CancellationToken.None),
        ];
    }

    /// <summary>Stops reading the sockets (the event loop lets go of them, or the receive loops end with them closed)
    /// and hands them back to the manager, which pools or closes them and frees the ports. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _closing.CancelAsync();
        // The pacing loop drops ended playbacks at its next tick and sends nothing more for them.
        foreach (var side in (ReadOnlySpan<MediaLegSide>)[MediaLegSide.A, MediaLegSide.B])
        {
            if (Volatile.Read(ref Leg(side).Playback) is { } playback)
            {
                EndPlayback(playback, PlaybackEnd.Closed);
            }
        }

        if (_eventLoop is not null)
        {
            // Only once the loop has let go of the sockets may they close (and their descriptors be reused).
            await _eventLoop.RemoveAsync(this);
        }

        if (!KeepsSocketsOpen)
        {
            _a.Sockets?.Dispose();
            _b.Sockets?.Dispose();
        }
        // The loops catch their own exceptions and end once their socket is closed.
        await Task.WhenAll(_loops);
        _closing.Dispose();
        MediaLog.RelayClosed(
            _logger, Id, Interlocked.Read(ref _a.Counters.PacketsIn), Interlocked.Read(ref _a.Counters.PacketsOut),
            Interlocked.Read(ref _b.Counters.PacketsIn), Interlocked.Read(ref _b.Counters.PacketsOut));
        _closed?.Invoke(this);
    }

    private IPEndPoint EndPointOf(SocketAddress address) => (IPEndPoint)_anyEndPoint.Create(address);
}
