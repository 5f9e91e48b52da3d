namespace CallCenter.Core.Calls;

/// <summary>
/// What the call layer asks the ACD for when an agent dials a feature code (*45, *46, *31, *32). The ACD sits above
/// the call layer (STYLE.md §2), so the call layer names this port and the ACD implements it; the host attaches it
/// with <see cref="CallManager.AttachAgentCommands"/>. Each method is one question the ACD answers on its own
/// context, finding the phone's agent and acting on it in one step.
/// <para>Threading: called on the dialling call's context; returns at once. The task completes on the ACD's loop
/// (or at once, faulted with <see cref="InvalidOperationException"/>, when the ACD refused the question).</para>
/// </summary>
public interface IAgentPhoneCommands
{
    /// <summary>*45: <paramref name="agentId"/> logs out if logged in anywhere, else logs in at <paramref name="extension"/>.</summary>
    Task<AgentCodeAnswer> ToggleLoginAsync(string agentId, string extension);

    /// <summary>*46: the agent logged in at <paramref name="extension"/>, else <paramref name="homeAgentId"/>, pauses with
    /// <paramref name="reason"/>; with none, ends its pause or pauses with the reason it chose last.</summary>
    Task<AgentCodeAnswer> PauseAsync(string extension, string? homeAgentId, string? reason);

    /// <summary>*31 with the right PIN: <paramref name="agentId"/> logs in at <paramref name="extension"/>.</summary>
    Task<AgentCodeAnswer> LoginAsync(string agentId, string extension);

    /// <summary>*32: the agent logged in at <paramref name="extension"/> logs out.</summary>
    Task<AgentCodeAnswer> LogoutAsync(string extension);
}

/// <summary>The ACD's answer to an agent code: the agent it reached (null when none belongs to the phone), the
/// outcome, and the agent's state afterwards in the ACD's words (for the log and the CEL event).</summary>
public readonly record struct AgentCodeAnswer(string? AgentId, AgentCodeOutcome Outcome, string State);

/// <summary>How an agent code ended, in the call layer's terms: which SIP answer the phone gets is decided from it.</summary>
public enum AgentCodeOutcome
{
    Done,

    /// <summary>The agent is on a call; the change applies when it ends.</summary>
    Deferred,

    /// <summary>Already so.</summary>
    NoChange,

    /// <summary>No agent belongs to the phone, or the agent left the configuration.</summary>
    UnknownAgent,

    /// <summary>The agent is logged in on another phone.</summary>
    LoggedInElsewhere,

    NotLoggedIn,

    /// <summary>Another agent is logged in on the phone.</summary>
    PhoneInUse,

    /// <summary>No such pause reason, or none to pause with.</summary>
    UnknownReason,
}
