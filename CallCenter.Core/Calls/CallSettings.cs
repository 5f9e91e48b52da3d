namespace CallCenter.Core.Calls;

/// <summary>Call-layer settings that are not yet in callcenter.xml.</summary>
public sealed record CallSettings
{
    /// <summary>How long the callee's phone may ring before the caller gets 480 (no answer).</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Calls in progress across the server; an INVITE beyond it gets 503 with <see cref="RetryAfter"/>.</summary>
    public int MaxCalls { get; init; } = 5_000;

    /// <summary>Retry-After of a 503 for a server (or a caller) at its call limit.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
