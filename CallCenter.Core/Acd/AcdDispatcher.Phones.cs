namespace CallCenter.Core.Acd;

// The agent feature codes' entry points (see AcdRouter.Phones.cs): each is one question to the loop, answered on it.
public sealed partial class AcdDispatcher
{
    public Task<AgentPhoneResult> LoginAtAsync(string agentId, string extension) => AskAsync(r => r.LoginAt(agentId, extension));

    public Task<AgentPhoneResult> ToggleLoginAtAsync(string agentId, string extension) => AskAsync(r => r.ToggleLoginAt(agentId, extension));

    public Task<AgentPhoneResult> LogoutAtAsync(string extension) => AskAsync(r => r.LogoutAt(extension));

    public Task<AgentPhoneResult> PauseAtAsync(string extension, string? homeAgentId, string? reason) =>
        AskAsync(r => r.PauseAt(extension, homeAgentId, reason));
}
