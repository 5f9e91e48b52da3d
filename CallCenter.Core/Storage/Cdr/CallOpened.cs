namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// A call began: its first INVITE arrived. Opens the call's row (state 'open').
/// </summary>
/// <param name="UniqueId">The call's id, unique for all time (Asterisk's uniqueid); the key of every later report.</param>
/// <param name="LinkedId">Shared by calls that a transfer joins (Asterisk's linkedid); the call's own id otherwise.</param>
/// <param name="Source">The caller's extension or number (src).</param>
/// <param name="CallerName">The caller's display name, if any.</param>
/// <param name="Destination">What was dialled (dst).</param>
/// <param name="DestinationContext">What the destination turned out to be, for people reading the record:
/// "extension", "queue", "ivr", "external"... (Asterisk's dcontext). Null when not known yet.</param>
/// <param name="ALegId">The caller's leg (Asterisk's channel).</param>
/// <param name="SipCallId">Call-ID of the caller's INVITE.</param>
public sealed record CallOpened(
    string UniqueId,
    string LinkedId,
    DateTimeOffset StartUtc,
    string Source,
    string? CallerName,
    string Destination,
    string? DestinationContext,
    string ALegId,
    string SipCallId);
