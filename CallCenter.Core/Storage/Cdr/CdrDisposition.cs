using CallCenter.Core.Telephony;

namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// Asterisk's CDR dispositions, the words an admin filters on. There is no CANCEL: that is a Dial() status, and
/// Asterisk records a call the caller gave up on while it rang as NO ANSWER.
/// </summary>
public enum CdrDisposition
{
    Answered,
    NoAnswer,
    Busy,
    Failed,
    Congestion,
}

public static class CdrDispositions
{
    public static string ToText(this CdrDisposition disposition) => disposition switch
    {
        CdrDisposition.Answered => "ANSWERED",
        CdrDisposition.NoAnswer => "NO ANSWER",
        CdrDisposition.Busy => "BUSY",
        CdrDisposition.Failed => "FAILED",
        CdrDisposition.Congestion => "CONGESTION",
        _ => throw new ArgumentOutOfRangeException(nameof(disposition), disposition, "Not a CDR disposition."),
    };

    /// <summary>
    /// The disposition of a call that ended unanswered, from its hangup cause, the way Asterisk's cdr.c sets it:
    /// user busy is BUSY; normal clearing (the caller hung up) and no answer are NO ANSWER; circuit congestion is
    /// CONGESTION; everything else is FAILED. We add 18 (no user responding, what RFC 3398 makes of a 480 from a
    /// phone that rang out) to NO ANSWER and 42 (switching equipment congestion) to CONGESTION.
    /// Note that RFC 3398 maps 503 to 41 (temporary failure), hence FAILED; Asterisk's chan_sip said CONGESTION.
    /// </summary>
    public static CdrDisposition ForUnansweredCause(int q850Cause) => q850Cause switch
    {
        Q850.UserBusy => CdrDisposition.Busy,
        Q850.NormalClearing or Q850.NoUserResponding or Q850.NoAnswer => CdrDisposition.NoAnswer,
        Q850.NoCircuitAvailable or Q850.SwitchingEquipmentCongestion => CdrDisposition.Congestion,
        _ => CdrDisposition.Failed,
    };
}
