namespace CallCenter.Core.Storage.Acd;

/// <summary>An agent's newest state row at start-up, with the newest not-ready reason it ever gave
/// (<see cref="LastReason"/>), which a later pause without a reason reuses.</summary>
public sealed record AcdAgentLastState(string AgentId, string State, string? Reason, string? Extension, DateTimeOffset At, string? LastReason);
