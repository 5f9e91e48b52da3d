namespace CallCenter.Core.Acd;

public enum AgentState
{
    LoggedOut,

    /// <summary>Logged in and waiting for a call.</summary>
    Available,

    /// <summary>A queue call is being offered: the agent's phone rings.</summary>
    Ringing,

    OnCall,

    /// <summary>After-call work; no queue offers the agent a call until it ends.</summary>
    WrapUp,

    /// <summary>Logged in but paused, with a reason code from queues.xml.</summary>
    NotReady,
}
