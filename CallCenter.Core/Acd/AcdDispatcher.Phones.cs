using CallCenter.Core.Calls;

namespace CallCenter.Core.Acd;

// The agent feature codes' entry points (see AcdRouter.Phones.cs): each is one question to the loop, answered on it.
// As IAgentPhoneCommands the dispatcher is the call layer's port for them, answering in the call layer's terms.
public sealed partial class AcdDispatcher : IAgentPhoneCommands
{
    public Task<AgentPhoneResult> LoginAtAsync(string agentId, string extension) => AskAsync(r => r.LoginAt(agentId, extension));

    public Task<AgentPhoneResult> ToggleLoginAtAsync(string agentId, string extension) => AskAsync(r => r.ToggleLoginAt(agentId, extension));

    public Task<AgentPhoneResult> LogoutAtAsync(string extension) => AskAsync(r => r.LogoutAt(extension));

    public Task<AgentPhoneResult> PauseAtAsync(string extension, string? homeAgentId, string? reason) =>
        AskAsync(r => r.PauseAt(extension, homeAgentId, reason));

    Task<AgentCodeAnswer> IAgentPhoneCommands.ToggleLoginAsync(string agentId, string extension) =>
        AskAsync(r => ForPhone(r.ToggleLoginAt(agentId, extension)));

    Task<AgentCodeAnswer> IAgentPhoneCommands.PauseAsync(string extension, string? homeAgentId, string? reason) =>
        AskAsync(r => ForPhone(r.PauseAt(extension, homeAgentId, reason)));

    Task<AgentCodeAnswer> IAgentPhoneCommands.LoginAsync(string agentId, string extension) =>
        AskAsync(r => ForPhone(r.LoginAt(agentId, extension)));

    Task<AgentCodeAnswer> IAgentPhoneCommands.LogoutAsync(string extension) => AskAsync(r => ForPhone(r.LogoutAt(extension)));

    internal static AgentCodeAnswer ForPhone(AgentPhoneResult result) => new(
        result.AgentId,
        result.Result switch
        {
            AgentCommandResult.Done => AgentCodeOutcome.Done,
            AgentCommandResult.Deferred => AgentCodeOutcome.Deferred,
            AgentCommandResult.NoChange => AgentCodeOutcome.NoChange,
            AgentCommandResult.UnknownAgent => AgentCodeOutcome.UnknownAgent,
            AgentCommandResult.AlreadyLoggedIn => AgentCodeOutcome.LoggedInElsewhere,
            AgentCommandResult.NotLoggedIn => AgentCodeOutcome.NotLoggedIn,
            AgentCommandResult.PhoneInUse => AgentCodeOutcome.PhoneInUse,
            AgentCommandResult.UnknownReason => AgentCodeOutcome.UnknownReason,
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Result, "an outcome the phones have no answer for"),
        },
        result.State.ToText());
}
