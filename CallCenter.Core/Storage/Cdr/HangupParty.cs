namespace CallCenter.Core.Storage.Cdr;

/// <summary>Who ended the call (column hangup_by).</summary>
public enum HangupParty
{
    Caller,
    Callee,

    /// <summary>The server: a timeout, a failure, a shutdown or an admin action.</summary>
    System,
}

public static class HangupParties
{
    public static string ToText(this HangupParty party) => party switch
    {
        HangupParty.Caller => "caller",
        HangupParty.Callee => "callee",
        HangupParty.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(party), party, "Not a hangup party."),
    };
}
