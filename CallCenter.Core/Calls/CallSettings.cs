namespace CallCenter.Core.Calls;

/// <summary>Call-layer settings that are not in callcenter.xml (its &lt;calls&gt; element is CallsOptions).</summary>
public sealed record CallSettings
{
    /// <summary>Retry-After of a 503 for a server (or a caller) at its call limit.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
