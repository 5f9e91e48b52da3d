namespace CallCenter.Core.Storage.Acd;

/// <summary>A caller who hung up waiting and has not been answered since, for the callback list. Number and name
/// come from the call's CDR row (absent if that row was lost).</summary>
public sealed record AbandonedCaller(string CallerId, string Queue, DateTimeOffset At, TimeSpan Wait, int? Position, string? Number, string? Name);
