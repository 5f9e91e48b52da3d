namespace CallCenter.Core.Acd;

/// <summary>What an agent feature code did: which agent it reached (null when none belongs to the phone), the
/// outcome, and the agent's state afterwards (for the log line and the confirmation).</summary>
public readonly record struct AgentPhoneResult(string? AgentId, AgentCommandResult Result, AgentState State);
