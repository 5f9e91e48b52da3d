namespace CallCenter.Core.Storage.Cdr;

/// <summary>One row of the cel table; <see cref="EventType"/> is the stored name (CHAN_START, ANSWER, HANGUP...).</summary>
public sealed record CelRecord(
    long Id,
    string UniqueId,
    string LinkedId,
    string LegId,
    string EventType,
    DateTimeOffset EventUtc,
    string? Extra);
