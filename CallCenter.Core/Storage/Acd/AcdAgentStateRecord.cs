namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// One row of acd_agent_states. <see cref="State"/> is the stored text (logged-out, available, ringing, on-call,
/// wrap-up, not-ready): Storage sits below the ACD and cannot name its enum, so the ACD maps to and from it.
/// </summary>
public sealed record AcdAgentStateRecord(DateTimeOffset At, string AgentId, string State, string? Reason, string? Extension);
