using CallCenter.Core.Storage.Acd;

namespace CallCenter.Core.Acd;

public sealed partial class AcdRouter
{
    /// <summary>Serial context: the agent logs in at <paramref name="extension"/> (a feature code with the PIN, or the
    /// console) and becomes available in all its queues.</summary>
    public AgentCommandResult Login(string agentId, string extension)
    {
        ArgumentException.ThrowIfNullOrEmpty(extension);
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return AgentCommandResult.UnknownAgent;
        }

        if (agent.IsLoggedIn)
        {
            return AgentCommandResult.AlreadyLoggedIn;
        }

        agent.Extension = extension;
        agent.MissedOffers = 0;
        agent.IdleSince = Now;
        ChangeState(agent, AgentState.Available, null);
        ServeAgent(agent);
        Rearm();
        return AgentCommandResult.Done;
    }

    /// <summary>Serial context: logs the agent out; a ringing offer is withdrawn, a call in progress finishes first.</summary>
    public AgentCommandResult Logout(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return AgentCommandResult.UnknownAgent;
        }

        switch (agent.State)
        {
            case AgentState.LoggedOut:
                return AgentCommandResult.NotLoggedIn;
            case AgentState.OnCall:
                agent.PendingLogout = true;
                return AgentCommandResult.Deferred;
            case AgentState.Ringing:
                WithdrawOffer(agent.Offer!);
                break;
        }

        agent.PendingLogout = false;
        agent.PendingNotReady = null;
        ChangeState(agent, AgentState.LoggedOut, null);
        agent.Extension = null;
        LeaveEmptyQueues(agent);
        Rearm();
        return AgentCommandResult.Done;
    }

    /// <summary>
    /// Serial context: pauses the agent in all its queues with <paramref name="reason"/>, a code from queues.xml; null
    /// reuses the reason the agent chose last (so a pause toggled off and on keeps its reason). A ringing offer is
    /// withdrawn; during a call the pause applies when the call ends; during wrap-up it applies at once.
    /// </summary>
    public AgentCommandResult SetNotReady(string agentId, string? reason)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return AgentCommandResult.UnknownAgent;
        }

        if (!agent.IsLoggedIn)
        {
            return AgentCommandResult.NotLoggedIn;
        }

        reason ??= agent.LastReason;
        if (reason is null || !_options.NotReadyReasons.Any(r => r.Code == reason))
        {
            return AgentCommandResult.UnknownReason;
        }

        switch (agent.State)
        {
            case AgentState.NotReady when agent.Reason == reason:
                return AgentCommandResult.NoChange;
            case AgentState.OnCall:
                agent.PendingNotReady = reason;
                agent.LastReason = reason;
                return AgentCommandResult.Deferred;
            case AgentState.Ringing:
                WithdrawOffer(agent.Offer!);
                break;
        }

        Pause(agent, reason);
        Rearm();
        return AgentCommandResult.Done;
    }

    /// <summary>Serial context: the agent is ready again (ends a pause or its wrap-up early).</summary>
    public AgentCommandResult SetReady(string agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return AgentCommandResult.UnknownAgent;
        }

        switch (agent.State)
        {
            case AgentState.LoggedOut:
                return AgentCommandResult.NotLoggedIn;
            case AgentState.OnCall:
                var had = agent.PendingNotReady is not null;
                agent.PendingNotReady = null;
                return had ? AgentCommandResult.Done : AgentCommandResult.NoChange;
            case AgentState.Available or AgentState.Ringing:
                return AgentCommandResult.NoChange;
        }

        agent.MissedOffers = 0;
        ChangeState(agent, AgentState.Available, null);
        ServeAgent(agent);
        Rearm();
        return AgentCommandResult.Done;
    }

    /// <summary>Serial context: the pause feature code (*46): not ready with the last reason, or ready again.</summary>
    public AgentCommandResult TogglePause(string agentId) =>
        _agents.TryGetValue(agentId, out var agent) && (agent.State == AgentState.NotReady || agent.PendingNotReady is not null)
            ? SetReady(agentId)
            : SetNotReady(agentId, null);

    /// <summary>
    /// Start-up, before any call: puts the agents back as the store last saw them. A not-ready agent comes back not
    /// ready with its reason, and every agent keeps the reason it chose last. Agents who were available, ringing, on
    /// a call or in wrap-up come back available at their extension: the calls did not survive the restart.
    /// </summary>
    public void Restore(IEnumerable<AcdAgentLastState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        foreach (var saved in states)
        {
            if (!_agents.TryGetValue(saved.AgentId, out var agent) || agent.IsLoggedIn
                || !AgentStateMachine.TryParse(saved.State, out var state))
            {
                continue;
            }

            agent.LastReason = saved.LastReason;
            if (state == AgentState.LoggedOut || saved.Extension is null)
            {
                continue;
            }

            agent.Extension = saved.Extension;
            agent.IdleSince = Now;
            if (state == AgentState.NotReady && saved.Reason is not null)
            {
                Pause(agent, saved.Reason);
            }
            else
            {
                ChangeState(agent, AgentState.Available, null);
                ServeAgent(agent);
            }
        }

        Rearm();
    }

    private void Pause(AcdAgent agent, string reason)
    {
        agent.LastReason = reason;
        agent.PendingNotReady = null;
        ChangeState(agent, AgentState.NotReady, reason);
        LeaveEmptyQueues(agent);
    }

    /// <summary>Every state change goes through here: the table refuses what must never happen, and the change is
    /// recorded with its time. An illegal transition is a bug in the router, not an input error.</summary>
    private void ChangeState(AcdAgent agent, AgentState to, string? reason)
    {
        var from = agent.State;
        if (!AgentStateMachine.IsAllowed(from, to))
        {
            throw new InvalidOperationException($"Agent {agent.Id}: {from} -> {to} is not a legal transition.");
        }

        // A held agent who pauses or logs out is no longer held; the caller called back is served normally.
        if (agent.ReservedFor is { } held && to != AgentState.Available)
        {
            held.Reserved = null;
            agent.ReservedFor = null;
        }

        if (from == AgentState.WrapUp)
        {
            RecordWrapUpEnd(agent);
        }
        else if (from == AgentState.OnCall && to != AgentState.WrapUp)
        {
            agent.Call = null;
        }

        agent.State = to;
        agent.Reason = to == AgentState.NotReady ? reason : null;
        agent.StateVersion++;
        agent.StateSince = Now;
        agent.StateSinceUtc = UtcNow;
        LogAgentState(_logger, agent.Id, from, to, reason);
        _records.AgentState(new AcdAgentStateRecord(agent.StateSinceUtc, agent.Id, to.ToText(), agent.Reason, agent.Extension));
    }

    /// <summary>After an agent stopped staffing its queues, the queues whose leave-when-empty rule now holds let their
    /// callers go.</summary>
    private void LeaveEmptyQueues(AcdAgent agent)
    {
        foreach (var member in agent.Memberships)
        {
            var queue = member.Queue;
            if (queue.Line.Count == 0 || !queue.IsEmpty(queue.Options.LeaveWhenEmpty))
            {
                continue;
            }

            _scratchCallers.Clear();
            queue.Line.CopyTo(_scratchCallers);
            foreach (var caller in _scratchCallers)
            {
                RemoveFromLine(caller, AcdQueueEventType.ExitEmpty, null);
                _control.Exit(caller.Id, queue.Name, QueueExitReason.Empty);
            }
        }
    }
}
