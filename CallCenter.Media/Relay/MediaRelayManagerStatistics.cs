namespace CallCenter.Media.Relay;

/// <summary>The manager's view for the console: relays and ports now, and the legs' counters summed over every
/// relay since start (closed ones included).</summary>
public sealed record MediaRelayManagerStatistics
{
    public int ActiveRelays { get; init; }
    public long RelaysCreated { get; init; }
    /// <summary>Port pairs held by open relays (idle pooled pairs not counted).</summary>
    public int PortPairsInUse { get; init; }

    /// <summary>Socket pairs of closed relays kept open for reuse.</summary>
    public int IdleSocketPairs { get; init; }

    /// <summary>Relay legs that got a pooled pair instead of new sockets.</summary>
    public long SocketPairsReused { get; init; }
    public int PortPairs { get; init; }

    /// <summary>Socket pairs the relays may hold open at once (the port range and the descriptor limit's share).</summary>
    public int MaxOpenSocketPairs { get; init; }

    /// <summary>Relays that can still be opened now.</summary>
    public int RelaysAvailable { get; init; }

    /// <summary>Relays refused because no port pair was free.</summary>
    public long PortExhaustions { get; init; }

    public long MediaTimeouts { get; init; }

    /// <summary>Open relays served by each event loop, in loop order; empty when the runtime's async sockets serve them.</summary>
    public IReadOnlyList<int> RelaysPerEventLoop { get; init; } = [];

    /// <summary>Streams the pacing loop plays (prompts, music on hold, tones) as of its last tick.</summary>
    public int PlayingStreams { get; init; }

    /// <summary>20 ms ticks the pacing loop was too late to catch up since start: how often callers heard a gap.</summary>
    public long PacingTicksSkipped { get; init; }
    public required MediaLegStatistics Totals { get; init; }
}
