using CallCenter.Core.Configuration;

namespace CallCenter.Core.Acd;

public sealed partial class AcdRouter
{
    /// <summary>
    /// An agent became free: it takes the first caller, in the global order (priority, then arrival), among the
    /// lines of all its queues that it qualifies for. Each line is sorted, so each is walked only up to its first
    /// match or up to the best caller found so far.
    /// </summary>
    private void ServeAgent(AcdAgent agent)
    {
        while (agent.State == AgentState.Available && agent.ReservedFor is null)
        {
            AcdCaller? best = null;
            foreach (var member in agent.Memberships)
            {
                foreach (var caller in member.Queue.Line)
                {
                    if (best is not null && !Precedes(caller, best))
                    {
                        break;
                    }

                    if (caller.Phase is CallerPhase.Waiting or CallerPhase.CallbackPending && Qualifies(caller, member))
                    {
                        best = caller;
                        break;
                    }
                }
            }

            if (best is null)
            {
                return;
            }

            // The strategy of the caller's queue decides among every free agent who qualifies; by the invariant that
            // is this agent, unless several became free in the same event (ring-all losers, a reload).
            ServeCaller(best);
        }
    }

    /// <summary>
    /// A caller became eligible (joined, retry over, requirements relaxed, callback answered): it is offered to the
    /// best free agent of its queue who qualifies, or to all of the best penalty tier for ring-all. A caller on
    /// virtual hold whose turn has come is called back instead, and offered once it answered.
    /// </summary>
    private void ServeCaller(AcdCaller caller)
    {
        if (caller.Phase is not (CallerPhase.Waiting or CallerPhase.CallbackPending))
        {
            return;
        }

        var queue = caller.Queue;
        var count = 0;
        foreach (var member in queue.Members)
        {
            var agent = member.Agent;
            if (agent.State != AgentState.Available || agent.ReservedFor is not null || !Qualifies(caller, member))
            {
                continue;
            }

            if (count == _candidates.Length)
            {
                Array.Resize(ref _candidates, count * 2);
                Array.Resize(ref _candidateMembers, count * 2);
            }

            _candidateMembers[count] = member;
            _candidates[count] = new RoutingCandidate(
                agent.Id, member.Order, member.Penalty, ProficiencyFor(caller, agent), agent.IdleSince, member.Calls, member.TalkTime, count);
            count++;
        }

        if (count == 0)
        {
            return;
        }

        var ranked = _candidates.AsSpan(0, count);
        QueueStrategies.Rank(queue.Options.Strategy, ranked, Now, queue.LastOrder, queue.Members.Count, _random);

        // Virtual hold: its turn has come. The agent the strategy chose is held for it (so nobody behind it in line
        // takes that agent), and rung only once the caller has answered the callback.
        if (caller.Phase == CallerPhase.CallbackPending)
        {
            var held = _candidateMembers[ranked[0].Tag].Agent;
            held.ReservedFor = caller;
            caller.Reserved = held;
            caller.Phase = CallerPhase.CallingBack;
            _control.CallBack(caller.Id, caller.Request.CallbackNumber!);
            return;
        }
        if (queue.Options.Strategy != QueueStrategy.RingAll)
        {
            Offer(caller, _candidateMembers[ranked[0].Tag]);
            return;
        }

        var tier = ranked[0].Penalty;
        foreach (var candidate in ranked)
        {
            if (candidate.Penalty != tier)
            {
                break;
            }

            Offer(caller, _candidateMembers[candidate.Tag]);
        }
    }

    /// <summary>Lets go of the agent held for a caller's callback; it is served with the others the event freed.</summary>
    private void Release(AcdCaller caller)
    {
        if (caller.Reserved is { } agent)
        {
            agent.ReservedFor = null;
            caller.Reserved = null;
            if (agent.State == AgentState.Available)
            {
                _freed.Add(agent);
            }
        }
    }

    /// <summary>Serves the agents an event freed, in the order they were freed, until none is left free with a caller for it.</summary>
    private void ServeFreed()
    {
        for (var i = 0; i < _freed.Count; i++)
        {
            ServeAgent(_freed[i]);
        }

        _freed.Clear();
    }

    /// <summary>Whether <paramref name="a"/> is served before <paramref name="b"/>: higher priority, then earlier arrival.</summary>
    private static bool Precedes(AcdCaller a, AcdCaller b) =>
        a.Priority != b.Priority ? a.Priority > b.Priority : a.Sequence < b.Sequence;

    /// <summary>
    /// Whether the member may take the caller now: its penalty within the queue's max penalty and the agent's levels
    /// at least what the caller's required skills ask, both as relaxed by the steps that apply after the caller's wait
    /// (each step states what it changes; what it leaves out stays as before).
    /// </summary>
    private static bool Qualifies(AcdCaller caller, AcdMember member)
    {
        var options = caller.Queue.Options;
        var maxPenalty = options.MaxPenalty;
        int? relaxedProficiency = null;
        var ignoreSkills = false;
        for (var i = 0; i < caller.RelaxLevel; i++)
        {
            var step = options.Relax[i];
            maxPenalty = step.MaxPenalty ?? maxPenalty;
            relaxedProficiency = step.MinProficiency ?? relaxedProficiency;
            ignoreSkills |= step.IgnoreSkills;
        }

        if (maxPenalty is { } limit && member.Penalty > limit)
        {
            return false;
        }

        if (ignoreSkills)
        {
            return true;
        }

        foreach (var requirement in caller.Request.RequiredSkills)
        {
            var needed = requirement.MinProficiency ?? options.MinProficiency;
            if (relaxedProficiency is { } relaxed)
            {
                needed = Math.Min(needed, relaxed);
            }

            if (member.Agent.Proficiency(requirement.Skill) < needed)
            {
                return false;
            }
        }

        return true;
    }

    private static int ProficiencyFor(AcdCaller caller, AcdAgent agent)
    {
        var sum = 0;
        foreach (var requirement in caller.Request.RequiredSkills)
        {
            sum += agent.Proficiency(requirement.Skill);
        }

        return sum;
    }
}
