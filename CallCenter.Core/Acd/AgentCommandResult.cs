namespace CallCenter.Core.Acd;

/// <summary>What became of an agent's login, logout, pause or unpause (the feature code answers with a prompt for it).</summary>
public enum AgentCommandResult
{
    Done,

    /// <summary>The agent is on a call; the change applies when the call (and its wrap-up) ends.</summary>
    Deferred,

    UnknownAgent,
    AlreadyLoggedIn,
    NotLoggedIn,

    /// <summary>The reason code is not in queues.xml (or none was given and the agent never chose one).</summary>
    UnknownReason,

    /// <summary>Already in the state asked for.</summary>
    NoChange,

    /// <summary>Another agent is logged in on that phone; one phone offers queue calls to one agent.</summary>
    PhoneInUse,
}
