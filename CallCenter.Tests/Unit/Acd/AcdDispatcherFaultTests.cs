using CallCenter.Core.Acd;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Calls;
using Microsoft.Extensions.Logging.Abstractions;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>A question the router fails on reaches the asker as a faulted task; the loop goes on.</summary>
public sealed class AcdDispatcherFaultTests
{
    [Test]
    public async Task AQuestionTheRouterThrowsOnFaultsItsTaskInsteadOfLeavingTheAskerWaiting()
    {
        await using var dispatcher = new AcdDispatcher(QueuesOf(Queue("q")), AgentsOf(Agent("x", "q")), new FakeTimeProvider(), new RecordingCallControl(),
            NullAcdRecordSink.Instance, NullLoggerFactory.Instance);

        var asked = dispatcher.LoginAsync("x", string.Empty);

        await CallHarness.UntilAsync(() => asked.IsCompleted, "the asker has its answer");
        Assert.That(asked.IsFaulted, Is.True, "answered, and as a failure");
        Assert.That(asked.Exception!.InnerException, Is.InstanceOf<ArgumentException>());
        Assert.That(await dispatcher.LoginAsync("x", "100"), Is.EqualTo(AgentCommandResult.Done), "the loop goes on");
    }
}
