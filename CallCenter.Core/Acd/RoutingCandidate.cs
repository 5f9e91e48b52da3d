namespace CallCenter.Core.Acd;

/// <summary>
/// A free agent who may take a caller, with the statistics the strategies rank by. Built by the router for one
/// caller (so <see cref="Proficiency"/> is already the agent's level in that caller's required skills).
/// </summary>
/// <param name="AgentId">Ordinal order of this is the last tie-break.</param>
/// <param name="Order">The agent's place in the queue's member list (the order of extensions.xml).</param>
/// <param name="Penalty">The member penalty in this queue; lower is asked first.</param>
/// <param name="Proficiency">The sum of the agent's levels in the caller's required skills (0 when none are required).</param>
/// <param name="IdleSince">Monotonic time of the agent's last call end (or login); earlier means idle longer.</param>
/// <param name="Calls">Calls of this queue the agent took since logging in.</param>
/// <param name="TalkTime">Talk time in this queue since logging in.</param>
/// <param name="Tag">The router's own handle (an index); strategies carry it along untouched.</param>
public record struct RoutingCandidate(
    string AgentId, int Order, int Penalty, int Proficiency, TimeSpan IdleSince, int Calls, TimeSpan TalkTime, int Tag)
{
    // Filled by the strategy: the keys the candidates are sorted by, most significant first.
    internal long Key0;
    internal long Key1;
    internal long Key2;
}
