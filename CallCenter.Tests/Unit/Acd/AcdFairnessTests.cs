using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

public sealed class AcdFairnessTests
{
    /// <summary>
    /// Issue 5: with longest-idle, over 10,000 simulated calls every equally skilled agent's share is within 5 % of the
    /// mean. Ten agents; calls arrive every 1-30 s and last 20-180 s (seeded), about 65 % load, so agents are sometimes all busy and
    /// sometimes several are free, which is when the strategy decides.
    /// </summary>
    [Test]
    public void LongestIdleSharesTenThousandCallsEvenlyAmongEquallySkilledAgents()
    {
        var agents = Enumerable.Range(0, 10).Select(i => Agent($"agent{i}", "q") with { Skills = Skills(("billing", 80)) }).ToArray();
        var bed = new AcdTestBed(QueuesOf(Queue("q", QueueStrategy.LongestIdle)), AgentsOf(agents));
        bed.LoginAll();
        var random = new Random(2026);
        var ends = new PriorityQueue<(string Caller, string Agent), double>();
        var now = 0.0;
        var taken = agents.ToDictionary(a => a.Id, _ => 0);
        for (var call = 0; call < 10_000; call++)
        {
            var next = now + random.Next(1, 31);
            while (ends.TryPeek(out var ending, out var at) && at <= next)
            {
                ends.Dequeue();
                bed.Advance(at - now);
                now = at;
                bed.AgentHangsUp(ending.Caller, ending.Agent);
                AnswerOffers(bed, ends, taken, random, now);
            }

            bed.Advance(next - now);
            now = next;
            bed.Join($"c{call}", "q", 0, new SkillRequirement("billing"));
            AnswerOffers(bed, ends, taken, random, now);
        }

        var mean = taken.Values.Average();
        Assert.That(taken.Values.Sum(), Is.GreaterThan(9_000), "most calls were answered");
        Assert.That(taken.Values, Has.All.InRange(mean * 0.95, mean * 1.05), () => string.Join(", ", taken.Select(t => $"{t.Key}={t.Value}")));
        bed.AssertNoViolations();
    }

    private static void AnswerOffers(AcdTestBed bed, PriorityQueue<(string, string), double> ends, Dictionary<string, int> taken, Random random, double now)
    {
        foreach (var offer in bed.Control.Offers.Skip(bed.Control.Connected.Count + bed.Control.Cancelled.Count).ToList())
        {
            bed.Router.OfferAnswered(offer.OfferId);
            taken[offer.AgentId]++;
            ends.Enqueue((offer.CallerId, offer.AgentId), now + random.Next(20, 181));
        }
    }
}
