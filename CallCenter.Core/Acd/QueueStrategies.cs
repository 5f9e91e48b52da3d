using CallCenter.Core.Configuration;

namespace CallCenter.Core.Acd;

/// <summary>
/// The queue strategies as pure ranking functions: given the free, qualified agents of a queue with their statistics,
/// the caller's view of them and the time, put them in the order they should be offered the call. No state of their
/// own, no clock, no I/O: round-robin's memory and random's generator are passed in.
/// <para>Every strategy sorts by up to three keys and then breaks ties the same way: the agent listed first in the
/// queue's member list (the order of extensions.xml), then the agent id in ordinal order. So equal agents are always
/// ranked the same, and a test can say exactly who is next.</para>
/// <list type="table">
/// <item><term>ring-all</term><description>penalty; the router rings every agent of the best penalty tier at once.</description></item>
/// <item><term>longest-idle</term><description>penalty, then idle since (earliest first).</description></item>
/// <item><term>round-robin</term><description>penalty, then distance after the member rung last (Asterisk rrmemory).</description></item>
/// <item><term>fewest-calls</term><description>penalty, calls taken, idle since.</description></item>
/// <item><term>least-talk-time</term><description>penalty, talk time, idle since.</description></item>
/// <item><term>linear</term><description>penalty, then member order.</description></item>
/// <item><term>random</term><description>penalty, then a draw from the supplied generator.</description></item>
/// <item><term>skills-based</term><description>proficiency (highest first), penalty, idle since.</description></item>
/// </list>
/// </summary>
public static class QueueStrategies
{
    /// <param name="lastOrder">Round-robin's memory: the member order of the agent offered the previous call of this queue (-1: none yet).</param>
    /// <param name="memberCount">The queue's member count, for round-robin's wrap-around.</param>
    /// <param name="random">Random's generator; seed it for a repeatable order.</param>
    public static void Rank(QueueStrategy strategy, Span<RoutingCandidate> candidates, TimeSpan now, int lastOrder, int memberCount, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var i = 0; i < candidates.Length; i++)
        {
            ref var c = ref candidates[i];
            var idleSince = Math.Min(c.IdleSince.Ticks, now.Ticks);
            (c.Key0, c.Key1, c.Key2) = strategy switch
            {
                QueueStrategy.RingAll or QueueStrategy.Linear => ((long)c.Penalty, 0L, 0L),
                QueueStrategy.LongestIdle => ((long)c.Penalty, idleSince, 0L),
                QueueStrategy.RoundRobin => ((long)c.Penalty, RoundRobinDistance(c.Order, lastOrder, memberCount), 0L),
                QueueStrategy.FewestCalls => ((long)c.Penalty, (long)c.Calls, idleSince),
                QueueStrategy.LeastTalkTime => ((long)c.Penalty, c.TalkTime.Ticks, idleSince),
                QueueStrategy.Random => ((long)c.Penalty, random.NextInt64(), 0L),
                QueueStrategy.SkillsBased => (-(long)c.Proficiency, (long)c.Penalty, idleSince),
                _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
            };
        }

        candidates.Sort(Compare);
    }

    // The members after the one rung last come first, in order, then the ones before it and finally that one.
    private static long RoundRobinDistance(int order, int lastOrder, int memberCount)
    {
        var count = Math.Max(memberCount, order + 1);
        return ((order - lastOrder - 1) % count + count) % count;
    }

    private static int Compare(RoutingCandidate a, RoutingCandidate b)
    {
        var c = a.Key0.CompareTo(b.Key0);
        if (c != 0)
        {
            return c;
        }

        c = a.Key1.CompareTo(b.Key1);
        if (c != 0)
        {
            return c;
        }

        c = a.Key2.CompareTo(b.Key2);
        if (c != 0)
        {
            return c;
        }

        c = a.Order.CompareTo(b.Order);
        return c != 0 ? c : string.CompareOrdinal(a.AgentId, b.AgentId);
    }
}
