namespace CallCenter.Core.Calls;

/// <summary>Where a call stands. Moves forward only.</summary>
internal enum CallState
{
    /// <summary>The caller's INVITE is being checked and routed.</summary>
    Routing,

    /// <summary>The callee's phone has the INVITE (it may be ringing).</summary>
    Ringing,

    /// <summary>Both legs answered: the 200 went to the caller (its ACK may still be on the way).</summary>
    Answered,

    /// <summary>Over: both legs closed or being closed, the relay released.</summary>
    Ended,
}
