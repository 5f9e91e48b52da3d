namespace CallCenter.Core.Ivr;

public enum IvrHangupReason
{
    /// <summary>The flow reached a hangup node.</summary>
    FlowEnded,

    /// <summary>The session passed the configured number of nodes without the caller pressing a key.</summary>
    Runaway,
}
