namespace CallCenter.Core.Storage.Acd;

/// <summary>A caller who hung up waiting (or whose callback went unanswered) and has not been answered since, for the
/// callback list. Number and name come from the call's CDR row (absent if that row was lost).</summary>
public sealed record AbandonedCaller(string CallerId, string Queue, DateTimeOffset At, TimeSpan Wait, int? Position, string? Number, string? Name)
{
    /// <summary>The caller chose virtual hold and did not answer the callback (rather than hanging up waiting).</summary>
    public bool CallbackFailed { get; init; }
}
