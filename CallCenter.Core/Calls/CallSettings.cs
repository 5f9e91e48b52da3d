namespace CallCenter.Core.Calls;

/// <summary>Call-layer settings that are not in callcenter.xml (its &lt;calls&gt; element is CallsOptions).</summary>
public sealed record CallSettings
{
    /// <summary>Retry-After of a 503 for a server (or a caller) at its call limit.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A new call's INVITE that waited longer than this behind the SIP layer's backlog is refused with 503 and
    /// Retry-After instead of being set up. T1 (RFC 3261 §17.1.1.1): a caller answered later has already
    /// retransmitted, and a backlog that old is growing, not a burst being worked off (250 ms shed calls in the
    /// cold first second of a 1,000 calls/s run on a loaded machine, which then served them all). Without it an overloaded server (a cold start under a full call rate, while the JIT still
    /// compiles) answers calls it cannot finish: their ACKs wait in the same backlog, the 2xx are retransmitted,
    /// each unacknowledged call holds its relay for 64·T1, and the backlog grows until descriptors run out. Refusing
    /// costs a response; the calls already admitted finish and the backlog drains. Zero switches it off.
    /// </summary>
    public TimeSpan OverloadDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>...and only while at least this many items still wait behind it: one late INVITE on an idle
    /// server (the first call after a start, its path still being compiled) is served, not refused.</summary>
    public int OverloadBacklog { get; init; } = 32;
}
