using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>
/// The queue bugs users report most against app_queue and mod_callcenter, each shown impossible here (issue 5).
/// </summary>
public sealed class AcdImpossibleBugTests
{
    [Test]
    public void AnAgentInTwoQueuesIsNeverOfferedTwoCallsAtOnce()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("sales"), Queue("support")), AgentsOf(Agent("x", ("sales", 0), ("support", 0))));
        bed.Login("x");

        bed.Join("s1", "sales");
        bed.Join("t1", "support");

        Assert.That(bed.Control.Offers.Select(o => o.CallerId), Is.EqualTo(new[] { "s1" }));
        Assert.That(bed.AgentState("x").State, Is.EqualTo(AgentState.Ringing));

        bed.Answer("s1", "x");
        bed.Advance(30);
        Assert.That(bed.Control.Offers, Has.Count.EqualTo(1), "nothing is offered to an agent on a call");

        bed.AgentHangsUp("s1", "x");
        Assert.That(bed.Control.Offers.Select(o => o.CallerId), Is.EqualTo(new[] { "s1", "t1" }));
        bed.AssertNoViolations();
    }

    [Test]
    public void NoAgentEverHasTwoOffersOrAnOfferDuringACallUnderRandomTraffic()
    {
        var queues = QueuesOf(Queue("a", QueueStrategy.RingAll), Queue("b", QueueStrategy.LongestIdle) with { WrapUp = TimeSpan.FromSeconds(3) },
            Queue("c", QueueStrategy.Random) with { RetryDelay = TimeSpan.Zero });
        var agents = AgentsOf(
            Agent("p", ("a", 0), ("b", 0)), Agent("q", ("a", 0), ("c", 0)), Agent("r", ("b", 0), ("c", 1)),
            Agent("s", ("a", 1), ("b", 0), ("c", 0)), Agent("t", ("c", 0)));
        var bed = new AcdTestBed(queues, agents);
        bed.LoginAll();
        var random = new Random(1234);
        var names = new[] { "a", "b", "c" };
        var talking = new Dictionary<string, string>();
        for (var step = 0; step < 20_000; step++)
        {
            switch (random.Next(7))
            {
                // Agents whose phones rang out are paused by the no-answer rule; they come back now and then.
                case 5:
                    bed.Router.SetReady(agents.Agents[random.Next(agents.Agents.Length)].Id);
                    break;
                case 0 or 1:
                    bed.Join($"c{step}", names[random.Next(3)], random.Next(3));
                    break;
                case 2:
                    var ringing = bed.Control.Offers.Where(o => !bed.Control.Cancelled.Contains(o.OfferId) && !bed.Control.Connected.Contains(o.OfferId)).ToList();
                    if (ringing.Count > 0)
                    {
                        var offer = ringing[random.Next(ringing.Count)];
                        bed.Router.OfferAnswered(offer.OfferId);
                        if (bed.Control.Connected.Contains(offer.OfferId))
                        {
                            talking[offer.AgentId] = offer.CallerId;
                        }
                    }

                    break;
                case 3:
                    if (talking.Count > 0)
                    {
                        var (agent, caller) = talking.ElementAt(random.Next(talking.Count));
                        talking.Remove(agent);
                        bed.AgentHangsUp(caller, agent);
                    }

                    break;
                case 4:
                    var waiting = bed.Router.Snapshot().Queues.SelectMany(q => q.Callers).ToList();
                    if (waiting.Count > 0)
                    {
                        bed.Router.CallerHungUp(waiting[random.Next(waiting.Count)].CallerId);
                    }

                    break;
                default:
                    bed.Advance(random.Next(1, 8));
                    break;
            }
        }

        Assert.That(bed.Control.Offers, Has.Count.GreaterThan(1_000), "the traffic really exercised the router");
        bed.AssertNoViolations();
    }

    [Test]
    public void WrapUpAppliesAcrossAllTheAgentsQueues()
    {
        var queues = QueuesOf(Queue("sales") with { WrapUp = TimeSpan.FromSeconds(10) }, Queue("support"));
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", ("sales", 0), ("support", 0))));
        bed.Login("x");
        bed.Join("s1", "sales");
        bed.Answer("s1", "x");
        bed.Advance(20);
        bed.AgentHangsUp("s1", "x");
        Assert.That(bed.AgentState("x").State, Is.EqualTo(AgentState.WrapUp));

        bed.Advance(1);
        bed.Join("t1", "support");
        bed.Advance(8.9);
        Assert.That(bed.Control.OffersFor("t1"), Is.Empty, "support has no wrap-up of its own, yet the agent is still in sales' wrap-up");

        bed.Advance(0.1);
        Assert.That(bed.Control.OffersFor("t1").Single().AgentId, Is.EqualTo("x"));
        var wrap = bed.Records.Events.Single(e => e.Type == AcdQueueEventType.WrapUpEnd);
        Assert.That((wrap.CallerId, wrap.Queue, wrap.WrapUp), Is.EqualTo(("s1", "sales", (TimeSpan?)TimeSpan.FromSeconds(10))));
        bed.AssertNoViolations();
    }

    [Test]
    public void ACallerWhoHangsUpWhileAnAgentRingsStopsThatRingingAtOnceAndReachesNobodyAfterwards()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("sales")), AgentsOf(Agent("x", "sales"), Agent("y", "sales")));
        bed.LoginAll();
        bed.Join("c1", "sales");
        var offer = bed.Control.Offers.Single();
        bed.Advance(4);

        var before = bed.Control.Log.Count;
        bed.Router.CallerHungUp("c1");

        Assert.That(bed.Control.Log.Skip(before).First(), Is.EqualTo($"cancel c1->{offer.AgentId}"), "the cancel is the very next command");
        Assert.That(bed.AgentState(offer.AgentId).State, Is.EqualTo(AgentState.Available));

        // The phone was picked up just as the caller left: the late answer connects nothing.
        bed.Router.OfferAnswered(offer.OfferId);
        bed.Advance(120);
        Assert.That(bed.Control.Connected, Is.Empty);
        Assert.That(bed.Control.OffersFor("c1").Count(), Is.EqualTo(1));
        var abandon = bed.Records.Events.Single(e => e.Type == AcdQueueEventType.Abandon);
        Assert.That((abandon.Wait, abandon.Position), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(4), (int?)1)));
    }

    [Test]
    public void RingAllNeverRingsAnAgentAgainAfterAnotherAgentAnswered()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("sales", QueueStrategy.RingAll)), AgentsOf(Agent("a", "sales"), Agent("b", "sales"), Agent("c", "sales")));
        bed.LoginAll();
        bed.Join("c1", "sales");
        Assert.That(bed.Control.OffersFor("c1").Select(o => o.AgentId), Is.EquivalentTo(new[] { "a", "b", "c" }));

        bed.Answer("c1", "b");

        var offers = bed.Control.OffersFor("c1").ToList();
        Assert.That(bed.Control.Cancelled, Is.EquivalentTo(offers.Where(o => o.AgentId != "b").Select(o => o.OfferId)));
        Assert.That(bed.Control.Connected, Is.EqualTo(new[] { offers.Single(o => o.AgentId == "b").OfferId }));

        // Late reports from the phones that were stopped change nothing, and time passing rings nobody for c1.
        bed.Router.OfferFailed(offers.Single(o => o.AgentId == "a").OfferId, OfferFailure.NoAnswer);
        bed.Router.OfferAnswered(offers.Single(o => o.AgentId == "c").OfferId);
        bed.Advance(300);
        Assert.That(bed.Control.OffersFor("c1").Count(), Is.EqualTo(3));
        Assert.That(bed.AgentState("a").State, Is.EqualTo(AgentState.Available));
        Assert.That(bed.AgentState("c").State, Is.EqualTo(AgentState.Available));
        Assert.That(bed.Records.Events.Count(e => e.Type == AcdQueueEventType.RingNoAnswer), Is.Zero, "losing a ring-all race is not a missed offer");
    }

    [Test]
    public void PauseReasonsSurviveUnpauseRepauseAndARestart()
    {
        var queues = QueuesOf(Queue("sales"));
        var agents = AgentsOf(Agent("x", "sales"));
        var bed = new AcdTestBed(queues, agents);
        bed.Login("x");
        Assert.That(bed.Router.SetNotReady("x", "lunch"), Is.EqualTo(AgentCommandResult.Done));
        Assert.That(bed.Router.SetReady("x"), Is.EqualTo(AgentCommandResult.Done));
        Assert.That(bed.Router.TogglePause("x"), Is.EqualTo(AgentCommandResult.Done));
        Assert.That((bed.AgentState("x").State, bed.AgentState("x").Reason), Is.EqualTo((AgentState.NotReady, "lunch")));

        // A restart: a new router restored from what was recorded.
        var restarted = new AcdTestBed(queues, agents);
        restarted.Router.Restore(bed.Records.LastStates());
        Assert.That((restarted.AgentState("x").State, restarted.AgentState("x").Reason, restarted.AgentState("x").Extension),
            Is.EqualTo((AgentState.NotReady, "lunch", ExtensionOf("x"))));
        Assert.That(restarted.Router.TogglePause("x"), Is.EqualTo(AgentCommandResult.Done));
        Assert.That(restarted.Router.TogglePause("x"), Is.EqualTo(AgentCommandResult.Done));
        Assert.That(restarted.AgentState("x").Reason, Is.EqualTo("lunch"));
    }
}
