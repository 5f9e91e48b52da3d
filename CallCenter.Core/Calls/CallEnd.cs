namespace CallCenter.Core.Calls;

/// <summary>Who ended a call and how, in the terms of a CDR: the disposition Asterisk admins know, the SIP status
/// the caller was given (or 200 for a BYE after answer) and which side hung up.</summary>
internal readonly record struct CallEnd(string Disposition, int SipStatus, string HungUpBy)
{
    public static CallEnd Answered(string by) => new("ANSWERED", 200, by);

    public static CallEnd Failed(int status, string by) => new(DispositionOf(status), status, by);

    /// <summary>Asterisk's CDR dispositions from the final status the caller got.</summary>
    public static string DispositionOf(int status) => status switch
    {
        486 or 600 => "BUSY",
        480 or 408 => "NO ANSWER",
        487 => "CANCEL",
        503 => "CONGESTION",
        _ => "FAILED",
    };
}
