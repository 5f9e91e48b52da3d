namespace CallCenter.Core.Storage.Cdr;

/// <summary>One row of the cdr table as the console reads it. Disposition, hangup party and state are the stored
/// words ('NO ANSWER', 'caller', 'interrupted'...); durations are null while the call is open.</summary>
public sealed record CdrRecord(
    string UniqueId,
    string LinkedId,
    DateTimeOffset StartUtc,
    DateTimeOffset? AnswerUtc,
    DateTimeOffset? EndUtc,
    long? Duration,
    long? Billsec,
    long? DurationMs,
    long? BillsecMs,
    string Source,
    string? CallerName,
    string Destination,
    string? DestinationContext,
    string ALegId,
    string? BLegId,
    string? AnsweredBy,
    string? Disposition,
    int? HangupCause,
    int? HangupSipCode,
    string? HangupBy,
    string State,
    string SipCallId,
    string? RecordingPath);
