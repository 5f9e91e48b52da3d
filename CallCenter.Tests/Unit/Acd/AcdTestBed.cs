using System.Collections.Immutable;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>A router on the fake clock with a recording call layer and record sink; time moves only in <see cref="Advance"/>.</summary>
internal sealed class AcdTestBed
{
    public AcdTestBed(QueuesOptions queues, ExtensionsOptions extensions, int seed = 7, FakeTimeProvider? clock = null)
    {
        Queues = queues;
        Extensions = extensions;
        Clock = clock ?? new FakeTimeProvider();
        Router = new AcdRouter(queues, extensions, Clock, Control, Records, NullLogger<AcdRouter>.Instance, new Random(seed));
    }

    public QueuesOptions Queues { get; }
    public ExtensionsOptions Extensions { get; }
    public FakeTimeProvider Clock { get; }
    public RecordingCallControl Control { get; } = new();
    public RecordingAcdRecords Records { get; } = new();
    public AcdRouter Router { get; }

    public static QueueOptions Queue(string name, QueueStrategy strategy = QueueStrategy.LongestIdle) => new()
    {
        Name = name,
        Strategy = strategy,
        RingTimeout = TimeSpan.FromSeconds(15),
        RetryDelay = TimeSpan.FromSeconds(5),
    };

    public static AgentOptions Agent(string id, params (string Queue, int Penalty)[] queues) => new()
    {
        Id = id,
        Name = id,
        Pin = "1234",
        DefaultExtension = null,
        Queues = [.. queues.Select(q => new QueueMembershipOptions(q.Queue, q.Penalty))],
    };

    public static AgentOptions Agent(string id, string queue) => Agent(id, (queue, 0));

    public static QueuesOptions QueuesOf(params QueueOptions[] queues) => new()
    {
        Queues = [.. queues],
        NotReadyReasons =
        [
            new NotReadyReasonOptions("break", "Break", '1'),
            new NotReadyReasonOptions("lunch", "Lunch", '2'),
            new NotReadyReasonOptions(QueuesOptions.DefaultNoAnswerReason, "No answer", null),
        ],
    };

    public static ExtensionsOptions AgentsOf(params AgentOptions[] agents) => new() { Agents = [.. agents] };

    public static string ExtensionOf(string agentId) => "ext-" + agentId;

    public static CallerRequest Caller(string id, string queue, int priority = 0, params SkillRequirement[] skills) =>
        new(id, queue, priority, "0900" + id) { RequiredSkills = [.. skills] };

    public void Advance(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    public void LoginAll()
    {
        foreach (var agent in Extensions.Agents)
        {
            Assert.That(Router.Login(agent.Id, ExtensionOf(agent.Id)), Is.EqualTo(AgentCommandResult.Done));
        }
    }

    public void Login(string agentId) => Assert.That(Router.Login(agentId, ExtensionOf(agentId)), Is.EqualTo(AgentCommandResult.Done));

    public QueueJoinResult Join(string callerId, string queue, int priority = 0, params SkillRequirement[] skills) =>
        Router.Join(Caller(callerId, queue, priority, skills));

    /// <summary>The agent's phone answers the offer currently ringing there for <paramref name="callerId"/>.</summary>
    public void Answer(string callerId, string agentId)
    {
        var offer = Control.Offers.Last(o => o.CallerId == callerId && o.AgentId == agentId);
        Router.OfferAnswered(offer.OfferId);
    }

    /// <summary>Answers whatever was last offered to the agent; returns the caller.</summary>
    public string AnswerLast(string agentId)
    {
        var offer = Control.LastOfferTo(agentId);
        Router.OfferAnswered(offer.OfferId);
        return offer.CallerId;
    }

    public void AgentHangsUp(string callerId, string agentId)
    {
        Control.HungUp(agentId);
        Router.AgentHungUp(callerId);
    }

    public AgentSnapshot AgentState(string agentId) => Router.Snapshot().Agents.Single(a => a.Id == agentId);

    public QueueSnapshot QueueState(string queue) => Router.Snapshot().Queues.Single(q => q.Name == queue);

    public void AssertNoViolations() => Assert.That(Control.Violations, Is.Empty);

    public static ImmutableArray<AgentSkillOptions> Skills(params (string Name, int Level)[] skills) =>
        [.. skills.Select(s => new AgentSkillOptions(s.Name, s.Level))];
}
