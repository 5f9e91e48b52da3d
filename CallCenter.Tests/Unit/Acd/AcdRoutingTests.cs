using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>Who gets which caller: strategies on a scripted clock, priority, skills, several queues, relax rules.</summary>
public sealed class AcdRoutingTests
{
    /// <summary>
    /// Agents a, b, c (listed in that order) log in c at 0 s, b at 1 s, a at 2 s. Calls arrive at 10, 50, 60 and 70 s;
    /// each is answered at once by whoever is offered it; the first lasts 30 s, the second 5 s, the third 1 s.
    /// </summary>
    [TestCase(QueueStrategy.LongestIdle, "c,b,a,c", TestName = "LongestIdle: earliest login first, then the earliest call end")]
    [TestCase(QueueStrategy.Linear, "a,a,a,a", TestName = "Linear: always the first agent listed")]
    [TestCase(QueueStrategy.RoundRobin, "a,b,c,a", TestName = "RoundRobin: the next after the last one rung, wrapping")]
    [TestCase(QueueStrategy.FewestCalls, "c,b,a,c", TestName = "FewestCalls: fewest calls, ties to the longest idle")]
    [TestCase(QueueStrategy.LeastTalkTime, "c,b,a,a", TestName = "LeastTalkTime: least talk, so a (1 s) before b (5 s) and c (30 s)")]
    [TestCase(QueueStrategy.SkillsBased, "b,b,b,b", TestName = "SkillsBased: b has the highest billing level")]
    public void EachStrategyOnAScriptedClock(QueueStrategy strategy, string expected)
    {
        var agents = AgentsOf(
            Agent("a", "q") with { Skills = Skills(("billing", 50)) },
            Agent("b", "q") with { Skills = Skills(("billing", 90)) },
            Agent("c", "q") with { Skills = Skills(("billing", 70)) });
        var bed = new AcdTestBed(QueuesOf(Queue("q", strategy)), agents);

        Assert.That(Run(bed), Is.EqualTo(expected));
        bed.AssertNoViolations();
    }

    [Test]
    public void RandomIsRepeatableWithTheSameSeedAndStillRespectsPenalties()
    {
        static AcdTestBed Make(int seed) => new(
            QueuesOf(Queue("q", QueueStrategy.Random)),
            AgentsOf(Agent("a", "q"), Agent("b", "q"), Agent("c", "q"), Agent("d", ("q", 1))),
            seed);

        var first = Run(Make(11));
        Assert.That(Run(Make(11)), Is.EqualTo(first));
        var seen = Enumerable.Range(1, 20).Select(seed => Run(Make(seed))).ToList();
        Assert.That(seen.Distinct().Count(), Is.GreaterThan(1), "different seeds give different orders");
        Assert.That(seen.SelectMany(s => s.Split(',')), Has.None.EqualTo("d"), "d (penalty 1) is never chosen while penalty-0 agents are free");
    }

    [Test]
    public void RingAllRingsTheWholeBestPenaltyTierAtOnce()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q", QueueStrategy.RingAll)),
            AgentsOf(Agent("a", ("q", 1)), Agent("b", ("q", 0)), Agent("c", ("q", 0))));
        bed.LoginAll();
        bed.Join("c1", "q");
        Assert.That(bed.Control.OffersFor("c1").Select(o => o.AgentId), Is.EqualTo(new[] { "b", "c" }));
    }

    [Test]
    public void CallersAreServedByPriorityThenByArrival()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { WrapUp = TimeSpan.Zero }), AgentsOf(Agent("x", "q")));
        bed.Join("early", "q");
        bed.Advance(1);
        bed.Join("vip", "q", priority: 5);
        bed.Advance(1);
        bed.Join("late", "q");
        bed.Advance(1);
        bed.Join("vip2", "q", priority: 5);
        bed.Login("x");

        var served = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var caller = bed.AnswerLast("x");
            served.Add(caller);
            bed.Advance(10);
            bed.AgentHangsUp(caller, "x");
        }

        Assert.That(served, Is.EqualTo(new[] { "vip", "vip2", "early", "late" }));
    }

    [Test]
    public void ACallerIsOfferedOnlyToAgentsWithItsSkillsAtTheLevelAsked()
    {
        var queue = Queue("q", QueueStrategy.LongestIdle) with { MinProficiency = 40 };
        var agents = AgentsOf(
            Agent("en", "q") with { Skills = Skills(("lang.en", 100)) },
            Agent("de-low", "q") with { Skills = Skills(("lang.de", 30)) },
            Agent("de", "q") with { Skills = Skills(("lang.de", 60)) });
        var bed = new AcdTestBed(QueuesOf(queue), agents);
        bed.LoginAll();

        bed.Join("german", "q", 0, new SkillRequirement("lang.de"));
        bed.Join("expert", "q", 0, new SkillRequirement("lang.de", 90));
        bed.Join("anyone", "q");

        Assert.That(bed.Control.OffersFor("german").Single().AgentId, Is.EqualTo("de"), "de-low is below the queue's minimum of 40");
        Assert.That(bed.Control.OffersFor("expert"), Is.Empty, "nobody has lang.de at 90");
        Assert.That(bed.Control.OffersFor("anyone").Single().AgentId, Is.EqualTo("en"), "the longest idle of those left");
    }

    [Test]
    public void SkillsBasedPrefersTheMostProficientAndRelaxStepsWidenTheCircleAsTheCallerWaits()
    {
        var queue = Queue("support", QueueStrategy.SkillsBased) with
        {
            MinProficiency = 70,
            MaxPenalty = 0,
            Relax =
            [
                new QueueRelaxStep(TimeSpan.FromSeconds(30), 50, 5, false),
                new QueueRelaxStep(TimeSpan.FromSeconds(60), null, 100, true),
            ],
        };
        var agents = AgentsOf(
            Agent("novice", ("support", 0)) with { Skills = Skills(("billing", 55)) },
            Agent("backup", ("support", 5)) with { Skills = Skills(("billing", 95)) },
            Agent("other", ("support", 10)));
        var bed = new AcdTestBed(QueuesOf(queue), agents);
        bed.LoginAll();

        bed.Join("c1", "support", 0, new SkillRequirement("billing"));
        Assert.That(bed.Control.OffersFor("c1"), Is.Empty, "novice is below 70, backup's penalty 5 is above 0");

        bed.Advance(29.9);
        Assert.That(bed.Control.OffersFor("c1"), Is.Empty);
        bed.Advance(0.1);
        Assert.That(bed.Control.OffersFor("c1").Single().AgentId, Is.EqualTo("backup"), "after 30 s both qualify; the more proficient wins");

        // Without them only "other" is left: penalty 10 and no billing, outside the 30 s step.
        bed.Router.Logout("novice");
        bed.Router.Logout("backup");
        Assert.That(bed.Control.OffersFor("c1").Select(o => o.AgentId), Is.EqualTo(new[] { "backup" }), "other has no billing at all yet");
        bed.Advance(30);
        Assert.That(bed.Control.OffersFor("c1").Last().AgentId, Is.EqualTo("other"), "after 60 s any agent of the queue");
        bed.AssertNoViolations();
    }

    [Test]
    public void AnAgentInSeveralQueuesGetsTheLongestWaitingCallerAcrossThemWeightedByPriority()
    {
        var queues = QueuesOf(Queue("sales"), Queue("support"));
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", ("sales", 0), ("support", 0))));
        bed.Join("support-0s", "support");
        bed.Advance(5);
        bed.Join("sales-5s", "sales");
        bed.Advance(5);
        bed.Join("support-10s-vip", "support", priority: 2);
        bed.Advance(5);
        bed.Join("sales-15s", "sales");
        bed.Login("x");

        var served = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var caller = bed.AnswerLast("x");
            served.Add(caller);
            bed.Advance(3);
            bed.AgentHangsUp(caller, "x");
        }

        Assert.That(served, Is.EqualTo(new[] { "support-10s-vip", "support-0s", "sales-5s", "sales-15s" }));
    }

    [Test]
    public void PenaltiesGiveLowerPenaltyAgentsTheCallFirst()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q", QueueStrategy.LongestIdle)), AgentsOf(Agent("senior", ("q", 2)), Agent("junior", ("q", 0))));
        bed.Login("senior");
        bed.Advance(100);
        bed.Login("junior");
        bed.Join("c1", "q");
        Assert.That(bed.Control.OffersFor("c1").Single().AgentId, Is.EqualTo("junior"), "penalty before idle time, as in Asterisk");
    }

    [Test]
    public void TheSnapshotShowsTheLongestWaitNowTheLineAndEachAgent()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { CallbackDigit = '1' }), AgentsOf(Agent("x", "q"), Agent("y", "q")));
        bed.Login("x");
        bed.Router.SetNotReady("x", "break");
        bed.Join("c1", "q");
        bed.Advance(40);
        bed.Join("c2", "q", priority: 1);
        bed.Advance(5);
        bed.Router.CallerPressed("c1", '1');
        bed.Login("y");
        var c2Offer = bed.Control.Offers.Single();

        var snapshot = bed.Router.Snapshot();
        var queue = snapshot.Queues.Single();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.At, Is.EqualTo(bed.Clock.GetUtcNow()));
            Assert.That((queue.InLine, queue.BeingOffered, queue.OnVirtualHold), Is.EqualTo((2, 1, 1)));
            Assert.That(queue.LongestWait, Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That((queue.AgentsLoggedIn, queue.AgentsAvailable, queue.AgentsOnCall), Is.EqualTo((2, 0, 0)));
            Assert.That(queue.Callers.Select(c => (c.CallerId, c.Position, c.Priority, c.Wait.TotalSeconds, c.Phase)),
                Is.EqualTo(new[] { ("c2", 1, 1, 5.0, "offering"), ("c1", 2, 0, 45.0, "callback-pending") }));
            Assert.That(snapshot.Agents.Select(a => (a.Id, a.State, a.Reason, a.CallerId)),
                Is.EqualTo(new[] { ("x", AgentState.NotReady, (string?)"break", (string?)null), ("y", AgentState.Ringing, null, "c2") }));
            Assert.That(c2Offer.AgentId, Is.EqualTo("y"));
        });
    }

    private static string Run(AcdTestBed bed)
    {
        foreach (var id in new[] { "c", "b", "a", "d" }.Where(id => bed.Extensions.Agents.Any(a => a.Id == id)))
        {
            bed.Login(id);
            bed.Advance(1);
        }

        var chosen = new List<string>();
        var script = new[] { (At: 10.0, Talk: 30.0), (At: 50.0, Talk: 5.0), (At: 60.0, Talk: 1.0), (At: 70.0, Talk: 1.0) };
        for (var i = 0; i < script.Length; i++)
        {
            bed.Advance(script[i].At - Elapsed(bed));
            var skills = bed.Queues.Queues[0].Strategy == QueueStrategy.SkillsBased ? new[] { new SkillRequirement("billing") } : [];
            bed.Join($"call{i}", bed.Queues.Queues[0].Name, 0, skills);
            var offer = bed.Control.OffersFor($"call{i}").Single();
            chosen.Add(offer.AgentId);
            bed.Router.OfferAnswered(offer.OfferId);
            bed.Advance(script[i].Talk);
            bed.AgentHangsUp($"call{i}", offer.AgentId);
        }

        return string.Join(",", chosen);
    }

    private static double Elapsed(AcdTestBed bed) => (bed.Clock.GetUtcNow() - new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)).TotalSeconds;
}
