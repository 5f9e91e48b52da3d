namespace CallCenter.Core.Acd;

// The agent feature codes dialled on desk phones (*45, *46, *31, *32). Each is one message: finding the agent of a
// phone and acting on it happen in one step on the serial context, so no other command slips in between (a console
// logout between "who is on 1000?" and "log them out" would otherwise log out the wrong state).
// Finding the agent at a phone walks the agents: a person keys these in, a few a minute at most, against routing
// decisions that must not pay for an extra index on every login and logout.
public sealed partial class AcdRouter
{
    /// <summary>Serial context: the agent logged in on <paramref name="extension"/>, or null.</summary>
    public string? AgentAt(string extension) => FindAgentAt(extension)?.Id;

    /// <summary>
    /// Serial context: the agent logs in on <paramref name="extension"/> (*31). Logged in there already is no change;
    /// logged in on another phone is refused (the agent logs out there first, as Wazo does); a phone another agent is
    /// logged in on is refused too, since offers go to a phone and one phone takes one queue call at a time.
    /// </summary>
    public AgentPhoneResult LoginAt(string agentId, string extension)
    {
        ArgumentException.ThrowIfNullOrEmpty(extension);
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return new AgentPhoneResult(null, AgentCommandResult.UnknownAgent, AgentState.LoggedOut);
        }

        var there = FindAgentAt(extension);
        var result = there == agent ? AgentCommandResult.NoChange
            : there is not null ? AgentCommandResult.PhoneInUse
            : agent.IsLoggedIn ? AgentCommandResult.AlreadyLoggedIn
            : Login(agentId, extension);
        return new AgentPhoneResult(agent.Id, result, agent.State);
    }

    /// <summary>Serial context: FreePBX's queue toggle (*45): the agent is logged out if logged in anywhere, else
    /// logged in on <paramref name="extension"/>.</summary>
    public AgentPhoneResult ToggleLoginAt(string agentId, string extension)
    {
        if (!_agents.TryGetValue(agentId, out var agent) || !agent.IsLoggedIn)
        {
            return LoginAt(agentId, extension);
        }

        return new AgentPhoneResult(agent.Id, Logout(agentId), agent.State);
    }

    /// <summary>Serial context: logs out the agent logged in on <paramref name="extension"/> (*32).</summary>
    public AgentPhoneResult LogoutAt(string extension)
    {
        if (FindAgentAt(extension) is not { } agent)
        {
            return new AgentPhoneResult(null, AgentCommandResult.NotLoggedIn, AgentState.LoggedOut);
        }

        return new AgentPhoneResult(agent.Id, Logout(agent.Id), agent.State);
    }

    /// <summary>
    /// Serial context: the pause code (*46) of the agent logged in on <paramref name="extension"/>, or else of
    /// <paramref name="homeAgentId"/> (the agent whose home the phone is). With a <paramref name="reason"/>
    /// (*461): not ready with it. Without: ends a pause, or pauses with the reason the agent chose last; an agent
    /// who never chose one gets the first reason of queues.xml that has a digit (a toggle that refused its first
    /// use would teach agents not to use it).
    /// </summary>
    public AgentPhoneResult PauseAt(string extension, string? homeAgentId, string? reason)
    {
        var agent = FindAgentAt(extension);
        if (agent is null && (homeAgentId is null || !_agents.TryGetValue(homeAgentId, out agent)))
        {
            return new AgentPhoneResult(null, AgentCommandResult.UnknownAgent, AgentState.LoggedOut);
        }

        AgentCommandResult result;
        if (reason is not null)
        {
            result = SetNotReady(agent.Id, reason);
        }
        else if (agent.State == AgentState.NotReady || agent.PendingNotReady is not null)
        {
            result = SetReady(agent.Id);
        }
        else
        {
            result = SetNotReady(agent.Id, agent.LastReason ?? DefaultPauseReason());
        }

        return new AgentPhoneResult(agent.Id, result, agent.State);
    }

    // Only reasons an agent can key in qualify: the built-in no-answer reason has no digit and must not be chosen
    // for a person who paused on purpose. None: the pause is refused as UnknownReason.
    private string? DefaultPauseReason()
    {
        foreach (var candidate in _options.NotReadyReasons)
        {
            if (candidate.Digit is not null)
            {
                return candidate.Code;
            }
        }

        return null;
    }

    private AcdAgent? FindAgentAt(string extension)
    {
        foreach (var agent in _agents.Values)
        {
            if (agent.IsLoggedIn && agent.Extension == extension)
            {
                return agent;
            }
        }

        return null;
    }
}
