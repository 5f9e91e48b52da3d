using System.Collections.Immutable;
using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;
using CallCenter.Media.Playback;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>The IVR's adapter between a session and its call: what a flow's ending hands to the call (its variables)
/// and to the ACD (the call's callback number, the queue's defaults where the flow set none).</summary>
public sealed class IvrCallRouterTests
{
    private static readonly QueueOptions Support = new()
    {
        Name = "support",
        Number = "5000",
        DefaultPriority = 12,
        DefaultSkills = [new QueueSkillOptions("lang.de", 40)],
    };

    private readonly List<CallerRequest> _joined = [];

    [Test]
    public void AFlowEndingInAQueueLeavesItsVariablesWithTheCallAndJoinsWithTheCallbackNumberAndTheQueuesDefaults()
    {
        var call = new FakeCall();
        var session = NewRouter().Create(call, "1000", "800")!;

        session.Start();

        Assert.That(call.Queue, Is.EqualTo("support"));
        Assert.That(call.Variables!["account"], Is.EqualTo("42"));
        Assert.That((call.Variables["caller"], call.Variables["called"]), Is.EqualTo(("1000", "800")));
        var joined = _joined.Single();
        Assert.That((joined.CallerId, joined.Queue, joined.Priority, joined.CallbackNumber), Is.EqualTo(("queue-1", "support", 12, "1000")));
        Assert.That(joined.RequiredSkills, Is.EqualTo(new[] { new SkillRequirement("lang.de", 40) }));
    }

    [Test]
    public void AFlowEndingAtAnExtensionLeavesItsVariablesWithTheCall()
    {
        var call = new FakeCall();
        var session = NewRouter().Create(call, "1000", "801")!;

        session.Start();

        Assert.That(call.Extension, Is.EqualTo("2000"));
        Assert.That(call.Variables!["account"], Is.EqualTo("42"));
        Assert.That(_joined, Is.Empty);
    }

    private IvrCallRouter NewRouter()
    {
        var options = StaticConfiguration.Options("1000", "2000") with
        {
            Queues = new QueuesOptions { Queues = [Support] },
            Ivr = new IvrOptions
            {
                Routes = [new IvrRoute("800", "to-queue"), new IvrRoute("801", "to-desk")],
                Flows = [Flow("to-queue", new IvrQueueNode("end", "support")), Flow("to-desk", new IvrExtensionNode("end", "2000"))],
            },
        };
        return new IvrCallRouter(
            new StaticConfiguration(options),
            new IvrPromptLibrary(Path.Combine(RepoPaths.ShippedConfig, "sounds"), NullLogger<IvrPromptLibrary>.Instance),
            new FakeDataDip(),
            request =>
            {
                _joined.Add(request);
                return true;
            },
            new FakeTimeProvider(),
            NullLoggerFactory.Instance);
    }

    private static IvrFlow Flow(string name, IvrNode end) => new()
    {
        Name = name,
        Start = "account",
        Language = "en",
        Nodes = [new IvrSetVariableNode("account", "account", "42", "end"), end],
    };

    /// <summary>A call that carries the commands out at once, on the test's thread.</summary>
    private sealed class FakeCall : IIvrCallCommands
    {
        public string? Queue { get; private set; }

        public string? Extension { get; private set; }

        public ImmutableDictionary<string, string>? Variables { get; private set; }

        public string CallId => "call-1";

        public bool Post(Action work)
        {
            work();
            return true;
        }

        public void PlayToCaller(long playbackId, IPlaybackSource source)
        {
        }

        public void StopPlayback(long playbackId)
        {
        }

        public void EnterQueue(string queue, ImmutableDictionary<string, string> variables, Func<IvrQueueEntry, bool> join)
        {
            (Queue, Variables) = (queue, variables);
            Assert.That(join(new IvrQueueEntry("queue-1", "1000", Support)), Is.True);
        }

        public void TransferToExtension(string extension, ImmutableDictionary<string, string> variables) =>
            (Extension, Variables) = (extension, variables);

        public void HangUp(string why) => Assert.Fail("the flow does not hang up: " + why);
    }
}
