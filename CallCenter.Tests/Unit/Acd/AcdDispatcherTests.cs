using System.Collections.Concurrent;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>The mailbox in front of the router: posts from many threads, timers through the mailbox, bounded.</summary>
public sealed class AcdDispatcherTests
{
    [Test]
    public async Task PostsFromManyThreadsAreAllAppliedInOneSerialContext()
    {
        var control = new ThreadCheckingControl();
        var agents = Enumerable.Range(0, 20).Select(i => Agent($"a{i}", "q")).ToArray();
        await using var dispatcher = new AcdDispatcher(QueuesOf(Queue("q")), AgentsOf(agents), new FakeTimeProvider(), control,
            NullAcdRecordSink.Instance, NullLoggerFactory.Instance);

        await Task.WhenAll(agents.Select(a => dispatcher.LoginAsync(a.Id, ExtensionOf(a.Id))));
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                Assert.That(dispatcher.Join(new CallerRequest($"t{t}-{i}", "q")), Is.True);
            }
        })));

        var snapshot = await dispatcher.GetSnapshotAsync();
        Assert.That(snapshot.Queues.Single().InLine, Is.EqualTo(2_000));
        Assert.That(snapshot.Agents.Count(a => a.State == AgentState.Ringing), Is.EqualTo(20));
        Assert.That(control.Offers, Has.Count.EqualTo(20));
        Assert.That(control.Overlaps, Is.Zero, "the router never ran on two threads at once");
    }

    [Test]
    public async Task DeadlinesFireThroughTheMailbox()
    {
        var clock = new FakeTimeProvider();
        var control = new ThreadCheckingControl();
        await using var dispatcher = new AcdDispatcher(QueuesOf(Queue("q") with { RingTimeout = TimeSpan.FromSeconds(10) }),
            AgentsOf(Agent("x", "q")), clock, control, NullAcdRecordSink.Instance, NullLoggerFactory.Instance);
        await dispatcher.LoginAsync("x", "100");
        dispatcher.Join(new CallerRequest("c1", "q"));
        await dispatcher.GetSnapshotAsync();

        clock.Advance(TimeSpan.FromSeconds(10));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (control.Cancels == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.That(control.Cancels, Is.EqualTo(1), "the ring timeout withdrew the offer");
        Assert.That((await dispatcher.GetSnapshotAsync()).Agents.Single().MissedOffers, Is.EqualTo(1));
    }

    [Test]
    public async Task AFullMailboxRefusesAndCountsInsteadOfBlocking()
    {
        var gate = new ManualResetEventSlim();
        var control = new ThreadCheckingControl { Block = gate };
        var dispatcher = new AcdDispatcher(QueuesOf(Queue("q")), AgentsOf(Agent("x", "q")), new FakeTimeProvider(), control,
            NullAcdRecordSink.Instance, NullLoggerFactory.Instance, capacity: 4);
        await using (dispatcher)
        {
            dispatcher.Join(new CallerRequest("c0", "q"));
            _ = dispatcher.LoginAsync("x", "100");
            while (!control.Blocked)
            {
                await Task.Delay(5);
            }

            var accepted = Enumerable.Range(1, 10).Count(i => dispatcher.Join(new CallerRequest($"c{i}", "q")));
            Assert.That(accepted, Is.EqualTo(4));
            Assert.That(dispatcher.Dropped, Is.EqualTo(6));
            gate.Set();
        }
    }

    private sealed class ThreadCheckingControl : IAcdCallControl
    {
        private int _inside;

        public ConcurrentBag<AcdOffer> Offers { get; } = [];
        public int Overlaps;
        public int Cancels;
        public ManualResetEventSlim? Block { get; init; }
        public volatile bool Blocked;

        public void OfferToAgent(AcdOffer offer)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Interlocked.Increment(ref Overlaps);
            }

            Offers.Add(offer);
            if (Block is not null)
            {
                Blocked = true;
                Block.Wait(TimeSpan.FromSeconds(10));
            }

            Interlocked.Decrement(ref _inside);
        }

        public void CancelOffer(long offerId, string callerId, string agentId) => Interlocked.Increment(ref Cancels);

        public void Connect(long offerId, string callerId, string agentId)
        {
        }

        public void CallBack(string callerId, string number)
        {
        }

        public void Announce(string callerId, AcdAnnouncement announcement)
        {
        }

        public void Overflow(string callerId, string fromQueue, OverflowTarget target)
        {
        }

        public void Exit(string callerId, string queue, QueueExitReason reason)
        {
        }
    }
}
