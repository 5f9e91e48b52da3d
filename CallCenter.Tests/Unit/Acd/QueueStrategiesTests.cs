using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>The strategies as the pure functions they are: candidates in, order out.</summary>
public sealed class QueueStrategiesTests
{
    private static readonly TimeSpan Now = TimeSpan.FromMinutes(10);

    private static RoutingCandidate Candidate(string id, int order, int penalty = 0, int proficiency = 0, double idleSince = 0, int calls = 0, double talk = 0) =>
        new(id, order, penalty, proficiency, TimeSpan.FromSeconds(idleSince), calls, TimeSpan.FromSeconds(talk), order);

    private static string[] Rank(QueueStrategy strategy, int lastOrder = -1, int seed = 1, params RoutingCandidate[] candidates)
    {
        var span = candidates.ToArray();
        QueueStrategies.Rank(strategy, span, Now, lastOrder, 4, new Random(seed));
        return [.. span.Select(c => c.AgentId)];
    }

    [Test]
    public void LongestIdleRanksByIdleSinceAfterPenalty() =>
        Assert.That(Rank(QueueStrategy.LongestIdle, -1, 1,
                Candidate("a", 0, idleSince: 300), Candidate("b", 1, idleSince: 100), Candidate("c", 2, idleSince: 200), Candidate("d", 3, penalty: 1, idleSince: 0)),
            Is.EqualTo(new[] { "b", "c", "a", "d" }));

    [Test]
    public void RoundRobinStartsAfterTheMemberRungLastAndWraps() =>
        Assert.That(Rank(QueueStrategy.RoundRobin, 1, 1, Candidate("a", 0), Candidate("b", 1), Candidate("c", 2), Candidate("d", 3)),
            Is.EqualTo(new[] { "c", "d", "a", "b" }));

    [Test]
    public void FewestCallsThenLongestIdle() =>
        Assert.That(Rank(QueueStrategy.FewestCalls, -1, 1,
                Candidate("a", 0, calls: 3), Candidate("b", 1, calls: 1, idleSince: 50), Candidate("c", 2, calls: 1, idleSince: 20), Candidate("d", 3, calls: 2)),
            Is.EqualTo(new[] { "c", "b", "d", "a" }));

    [Test]
    public void LeastTalkTimeThenLongestIdle() =>
        Assert.That(Rank(QueueStrategy.LeastTalkTime, -1, 1,
                Candidate("a", 0, talk: 90), Candidate("b", 1, talk: 30), Candidate("c", 2, talk: 30, idleSince: 5), Candidate("d", 3, talk: 60)),
            Is.EqualTo(new[] { "b", "c", "d", "a" }));

    [Test]
    public void LinearAndRingAllKeepMemberOrderWithinAPenaltyTier()
    {
        var candidates = new[] { Candidate("c", 2), Candidate("a", 0, penalty: 1), Candidate("b", 1) };
        Assert.That(Rank(QueueStrategy.Linear, -1, 1, candidates), Is.EqualTo(new[] { "b", "c", "a" }));
        Assert.That(Rank(QueueStrategy.RingAll, -1, 1, candidates), Is.EqualTo(new[] { "b", "c", "a" }));
    }

    [Test]
    public void SkillsBasedPutsProficiencyBeforePenalty() =>
        Assert.That(Rank(QueueStrategy.SkillsBased, -1, 1,
                Candidate("a", 0, proficiency: 60), Candidate("b", 1, penalty: 3, proficiency: 95), Candidate("c", 2, proficiency: 95, idleSince: 1)),
            Is.EqualTo(new[] { "c", "b", "a" }));

    [Test]
    public void RandomFollowsItsSeed()
    {
        var candidates = Enumerable.Range(0, 8).Select(i => Candidate($"a{i}", i)).ToArray();
        var first = Rank(QueueStrategy.Random, -1, 42, candidates);
        Assert.That(Rank(QueueStrategy.Random, -1, 42, candidates), Is.EqualTo(first));
        Assert.That(Enumerable.Range(0, 10).Select(seed => string.Join(",", Rank(QueueStrategy.Random, -1, seed, candidates))).Distinct().Count(),
            Is.GreaterThan(1));
    }

    [Test]
    public void TiesGoToMemberOrderThenToTheAgentIdInOrdinalOrder()
    {
        // Equal in every key: member order decides; with equal order too (an agent listed twice cannot happen, but
        // the rule must still be total), the id decides.
        Assert.That(Rank(QueueStrategy.LongestIdle, -1, 1, Candidate("z", 1), Candidate("y", 0)), Is.EqualTo(new[] { "y", "z" }));
        Assert.That(Rank(QueueStrategy.LongestIdle, -1, 1, Candidate("b", 0), Candidate("B", 0), Candidate("a", 0)), Is.EqualTo(new[] { "B", "a", "b" }));
    }
}
