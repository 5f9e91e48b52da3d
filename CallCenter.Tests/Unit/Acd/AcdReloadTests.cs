using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>A new configuration generation applied to a router with agents logged in and callers waiting.</summary>
public sealed class AcdReloadTests
{
    [Test]
    public void AddedQueuesAndMembershipsTakeEffectAndCallersKeepTheirPlace()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("sales")), AgentsOf(Agent("x", "sales"), Agent("gone", "sales")));
        bed.Login("gone");
        bed.Router.SetNotReady("gone", "break");
        bed.Join("s1", "sales");
        bed.Join("s2", "sales");
        Assert.That(bed.Join("t1", "support"), Is.EqualTo(QueueJoinResult.Refused), "no such queue yet");

        var queues = QueuesOf(Queue("sales", QueueStrategy.Linear), Queue("support"));
        bed.Router.ApplyConfiguration(queues, AgentsOf(Agent("x", ("support", 0), ("sales", 0)) with { Skills = Skills(("billing", 80)) }));
        Assert.That(bed.AgentState("x").State, Is.EqualTo(AgentState.LoggedOut), "a reload does not log anyone in");
        Assert.That(bed.Router.Snapshot().Agents.Select(a => a.Id), Is.EqualTo(new[] { "x" }), "an agent no longer configured is gone");
        Assert.That(bed.Records.States.Last(), Has.Property("AgentId").EqualTo("gone").And.Property("State").EqualTo("logged-out"));

        Assert.That(bed.Join("t1", "support", 0, new SkillRequirement("billing")), Is.EqualTo(QueueJoinResult.Joined));
        bed.Login("x");
        Assert.That(bed.Control.Offers.Single().CallerId, Is.EqualTo("s1"), "s1 has waited longest across x's queues");
        Assert.That(bed.QueueState("sales").Callers.Select(c => c.CallerId), Is.EqualTo(new[] { "s1", "s2" }));
    }

    [Test]
    public void AQueueRemovedFromTheConfigurationTakesNoNewCallersAndNoAgentServesIt()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("sales"), Queue("old")), AgentsOf(Agent("x", ("sales", 0), ("old", 0))));
        bed.Join("o1", "old");
        bed.Router.ApplyConfiguration(QueuesOf(Queue("sales")), AgentsOf(Agent("x", ("sales", 0), ("old", 0))));
        Assert.That(bed.Join("o2", "old"), Is.EqualTo(QueueJoinResult.Refused));

        bed.Login("x");
        Assert.That(bed.Control.Offers, Is.Empty);
        bed.Router.CallerHungUp("o1");
        Assert.That(bed.QueueState("old").InLine, Is.Zero, "its last caller could still leave");
    }
}
