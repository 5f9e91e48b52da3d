namespace CallCenter.Core.Storage.Cdr;

/// <summary>The call is over; its row is closed. Only the first end of a call counts.</summary>
/// <param name="Disposition">What became of the call if it was never answered (see
/// <see cref="CdrDispositions.ForUnansweredCause"/>). An answered call is recorded as ANSWERED whatever is given
/// here, as Asterisk does.</param>
/// <param name="Q850Cause">The hangup cause: <see cref="Telephony.Q850.NormalClearing"/> for a BYE, or what
/// <see cref="Telephony.Q850.TryFromSipStatus"/> gives for a final failure response.</param>
/// <param name="SipCode">The final SIP status that ended the call (the one the caller got, or the callee's
/// failure), or null when a BYE ended it.</param>
public sealed record CallEnded(
    string UniqueId,
    DateTimeOffset EndUtc,
    CdrDisposition Disposition,
    int Q850Cause,
    int? SipCode,
    HangupParty HangupBy);
