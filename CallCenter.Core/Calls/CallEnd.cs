using CallCenter.Core.Storage.Cdr;
using CallCenter.Core.Telephony;

namespace CallCenter.Core.Calls;

/// <summary>How a call ended, in the terms of a CDR: Asterisk's disposition, the Q.850 cause, the SIP status the
/// caller was given (200 for a call that was answered) and which side hung up.</summary>
internal readonly record struct CallEnd(CdrDisposition Disposition, int Q850Cause, int SipStatus, HangupParty HungUpBy)
{
    public static CallEnd Answered(HangupParty by) => new(CdrDisposition.Answered, Q850.NormalClearing, 200, by);

    /// <summary>An unanswered call: the cause from the caller's final status (RFC 3398 §7.2.4.1); a CANCEL (487)
    /// has no row there and counts as normal clearing by the caller, as Asterisk does.</summary>
    public static CallEnd Failed(int status, HangupParty by)
    {
        var cause = status == 487 || !Q850.TryFromSipStatus(status, out var mapped) ? Q850.NormalClearing : mapped;
        if (status == 480 && by == HangupParty.System)
        {
            // Our ring timeout: nobody answered (Q.850 19), not "temporarily unavailable".
            cause = Q850.NoAnswer;
        }

        return new(CdrDispositions.ForUnansweredCause(cause), cause, status, by);
    }
}
