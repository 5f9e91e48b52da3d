namespace CallCenter.Core.Storage.Cdr;

/// <summary>Something that happened to one leg of a call, stored in order as a CEL row.</summary>
/// <param name="UniqueId">The call the leg belongs to.</param>
/// <param name="Extra">A small JSON object with the details of the event (the transfer target, the hold direction,
/// the SIP status of a hangup...), stored as given; null when there is nothing to add.</param>
public sealed record CallEvent(
    string UniqueId,
    string LinkedId,
    string LegId,
    CelEventType Type,
    DateTimeOffset EventUtc,
    string? Extra = null);
