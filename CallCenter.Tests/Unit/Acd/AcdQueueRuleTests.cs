using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>Queue settings: overflow, max length, join/leave when empty, exit key, callback, announcements.</summary>
public sealed class AcdQueueRuleTests
{
    [Test]
    public void MaxWaitOverflowsIntoAnotherQueueWhereTheCallerKeepsItsPriorityAndArrival()
    {
        var queues = QueuesOf(
            Queue("sales") with { MaxWait = TimeSpan.FromSeconds(60), OnMaxWait = new OverflowTarget(OverflowAction.Queue, "support", null) },
            Queue("support"));
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", "support")));
        bed.Join("early", "sales");
        bed.Advance(30);
        bed.Join("local", "support");
        bed.Advance(30);

        Assert.That(bed.Control.Overflows.Single(), Is.EqualTo(("early", "sales", new OverflowTarget(OverflowAction.Queue, "support", null))));
        Assert.That(bed.QueueState("support").Callers.Select(c => c.CallerId), Is.EqualTo(new[] { "early", "local" }),
            "it arrived before 'local', so it is ahead of it");
        Assert.That(bed.Records.TypesFor("early"), Is.EqualTo(new[]
        {
            AcdQueueEventType.EnterQueue, AcdQueueEventType.ExitWithTimeout, AcdQueueEventType.Overflow, AcdQueueEventType.EnterQueue,
        }));

        bed.Login("x");
        Assert.That(bed.Control.Offers.Single().CallerId, Is.EqualTo("early"));
    }

    [Test]
    public void MaxWaitWithoutOverflowExitsWithTimeoutAndStopsARingingPhone()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { MaxWait = TimeSpan.FromSeconds(20), RingTimeout = TimeSpan.FromSeconds(30) }),
            AgentsOf(Agent("x", "q")));
        bed.Join("c1", "q");
        bed.Advance(15);
        bed.Login("x");
        bed.Advance(5);

        Assert.That(bed.Control.Exits.Single(), Is.EqualTo(("c1", "q", QueueExitReason.Timeout)));
        Assert.That(bed.Control.Cancelled, Is.EqualTo(new[] { bed.Control.Offers.Single().OfferId }));
        Assert.That(bed.AgentState("x").State, Is.EqualTo(AgentState.Available));
    }

    [Test]
    public void AFullQueueSendsNewCallersToItsLengthOverflowOrRefusesThem()
    {
        var queues = QueuesOf(
            Queue("small") with { MaxLength = 1, OnMaxLength = new OverflowTarget(OverflowAction.Extension, "2000", null) },
            Queue("tiny") with { MaxLength = 1 });
        var bed = new AcdTestBed(queues, AgentsOf());
        Assert.That(bed.Join("a", "small"), Is.EqualTo(QueueJoinResult.Joined));
        Assert.That(bed.Join("b", "small"), Is.EqualTo(QueueJoinResult.Overflowed));
        Assert.That(bed.Join("c", "tiny"), Is.EqualTo(QueueJoinResult.Joined));
        Assert.That(bed.Join("d", "tiny"), Is.EqualTo(QueueJoinResult.Refused));

        Assert.That(bed.Control.Overflows.Single(), Is.EqualTo(("b", "small", new OverflowTarget(OverflowAction.Extension, "2000", null))));
        Assert.That(bed.Control.Exits.Single(), Is.EqualTo(("d", "tiny", QueueExitReason.Full)));
        Assert.That(bed.Records.TypesFor("d"), Is.EqualTo(new[] { AcdQueueEventType.Full }));
    }

    [Test]
    public void JoinWhenEmptyRefusesCallersWhileNoAgentIsThereAsConfigured()
    {
        var queues = QueuesOf(
            Queue("loose") with { JoinWhenEmpty = QueueEmptyRule.NoAgentsLoggedIn },
            Queue("strict") with { JoinWhenEmpty = QueueEmptyRule.NoAgentsReady },
            Queue("open"));
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", ("loose", 0), ("strict", 0))));

        Assert.That(bed.Join("a", "loose"), Is.EqualTo(QueueJoinResult.Refused));
        Assert.That(bed.Join("b", "open"), Is.EqualTo(QueueJoinResult.Joined), "an agentless queue that allows it");
        bed.Login("x");
        bed.Router.SetNotReady("x", "break");
        Assert.That(bed.Join("c", "loose"), Is.EqualTo(QueueJoinResult.Joined), "a paused agent is logged in");
        Assert.That(bed.Join("d", "strict"), Is.EqualTo(QueueJoinResult.Refused), "but not ready");
        Assert.That(bed.Control.Exits, Is.EqualTo(new[] { ("a", "loose", QueueExitReason.Empty), ("d", "strict", QueueExitReason.Empty) }));
    }

    [Test]
    public void LeaveWhenEmptyLetsWaitingCallersGoWhenTheLastAgentStopsStaffingTheQueue()
    {
        var queues = QueuesOf(Queue("q") with { LeaveWhenEmpty = QueueEmptyRule.NoAgentsReady }, Queue("keep"));
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", ("q", 0), ("keep", 0)), Agent("y", "q")));
        bed.LoginAll();
        bed.Router.SetNotReady("y", "break");
        bed.Join("c0", "q");
        bed.Answer("c0", "x");
        bed.Join("c1", "q");
        bed.Join("k1", "keep");
        bed.AgentHangsUp("c0", "x");
        Assert.That(bed.Control.OffersFor("c1").Single().AgentId, Is.EqualTo("x"));
        Assert.That(bed.Control.Exits, Is.Empty);

        bed.Router.SetNotReady("x", "break");

        Assert.That(bed.Control.Exits, Is.EqualTo(new[] { ("c1", "q", QueueExitReason.Empty) }), "'keep' has no such rule");
        Assert.That(bed.Control.Cancelled, Does.Contain(bed.Control.OffersFor("c1").Single().OfferId));
    }

    [Test]
    public void TheExitDigitTakesTheCallerOutOtherKeysDoNothing()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { ExitDigit = '0' }), AgentsOf());
        bed.Join("c1", "q");
        bed.Join("c2", "q");
        Assert.That(bed.Router.CallerPressed("c2", '5'), Is.False);
        Assert.That(bed.Router.CallerPressed("c2", '0'), Is.True);

        Assert.That(bed.Control.Exits.Single(), Is.EqualTo(("c2", "q", QueueExitReason.ExitKey)));
        var exit = bed.Records.Events.Single(e => e.Type == AcdQueueEventType.ExitWithKey);
        Assert.That((exit.Position, exit.Data), Is.EqualTo(((int?)2, "0")));
        Assert.That(bed.QueueState("q").Callers.Select(c => c.CallerId), Is.EqualTo(new[] { "c1" }));
    }

    [Test]
    public void ACallbackCallerKeepsItsPlaceIsCalledBackWhenItsTurnComesAndOnlyThenRingsTheAgent()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { CallbackDigit = '1' }), AgentsOf(Agent("x", "q")));
        bed.Join("a", "q");
        bed.Join("b", "q");
        bed.Join("c", "q");
        Assert.That(bed.Router.CallerPressed("b", '1'), Is.True);
        Assert.That(bed.Control.Announcements.Last(), Is.EqualTo(("b", new AcdAnnouncement(AcdAnnouncementKind.CallbackAccepted, 2, null, null))));
        bed.Router.CallerHungUp("b");
        Assert.That(bed.QueueState("q").Callers.Select(c => (c.CallerId, c.Phase)),
            Is.EqualTo(new[] { ("a", "waiting"), ("b", "callback-pending"), ("c", "waiting") }), "hanging up on virtual hold is not an abandon");

        bed.Login("x");
        bed.Answer("a", "x");
        bed.Advance(30);
        bed.AgentHangsUp("a", "x");

        Assert.That(bed.Control.CallBacks, Is.EqualTo(new[] { "b" }));
        Assert.That(bed.Control.OffersFor("c"), Is.Empty, "x is held for b while b is called back, c stays behind b");
        Assert.That(bed.Control.OffersFor("b"), Is.Empty, "the agent rings only once b answered");
        bed.Advance(20);
        Assert.That(bed.Control.OffersFor("c"), Is.Empty);

        bed.Router.CallbackAnswered("b");
        Assert.That(bed.Control.OffersFor("b").Single().AgentId, Is.EqualTo("x"));
        Assert.That(bed.Records.TypesFor("b"), Is.EqualTo(new[] { AcdQueueEventType.EnterQueue, AcdQueueEventType.CallbackRequest }));
    }

    [Test]
    public void AFailedCallbackGivesTheCallerUpAndFreesTheHeldAgent()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { CallbackDigit = '1' }), AgentsOf(Agent("x", "q")));
        bed.Join("b", "q");
        bed.Join("c", "q");
        bed.Router.CallerPressed("b", '1');
        bed.Login("x");
        Assert.That(bed.Control.CallBacks, Is.EqualTo(new[] { "b" }));

        bed.Router.CallbackFailed("b");
        Assert.That(bed.Control.Exits.Single(), Is.EqualTo(("b", "q", QueueExitReason.CallbackFailed)));
        Assert.That(bed.Control.Offers.Single().CallerId, Is.EqualTo("c"));
    }

    [Test]
    public void PositionEstimatedWaitAndPeriodicAnnouncementsComeOnTheirSchedule()
    {
        var queue = Queue("q") with
        {
            Announce = new QueueAnnounceOptions
            {
                Position = true,
                EstimatedWait = true,
                Frequency = TimeSpan.FromSeconds(30),
                PeriodicPrompt = "please-hold",
                PeriodicInterval = TimeSpan.FromSeconds(45),
            },
        };
        var bed = new AcdTestBed(QueuesOf(queue), AgentsOf(Agent("x", "q")));
        bed.Login("x");
        bed.Join("first", "q");
        bed.Advance(40);
        bed.Answer("first", "x");
        Assert.That(bed.Control.Announcements.Where(a => a.CallerId == "first"), Is.Empty, "a caller being offered hears no announcement");

        bed.Join("c1", "q");
        bed.Join("c2", "q");
        bed.Advance(80);

        var heard = bed.Control.Announcements.Where(a => a.CallerId == "c2").Select(a => a.Announcement).ToList();
        Assert.That(heard, Is.EqualTo(new[]
        {
            new AcdAnnouncement(AcdAnnouncementKind.Position, 2, TimeSpan.FromSeconds(80), null),
            new AcdAnnouncement(AcdAnnouncementKind.Position, 2, TimeSpan.FromSeconds(80), null),
            new AcdAnnouncement(AcdAnnouncementKind.Periodic, null, null, "please-hold"),
            new AcdAnnouncement(AcdAnnouncementKind.Position, 2, TimeSpan.FromSeconds(80), null),
        }), "at 0, 30, 45 and 60 s after joining; the estimate is position x the average answered wait (40 s)");
    }

    [Test]
    public void AnUnknownQueueOrADuplicateCallerIsRefused()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q")), AgentsOf());
        Assert.That(bed.Join("c1", "nope"), Is.EqualTo(QueueJoinResult.Refused));
        Assert.That(bed.Join("c2", "q"), Is.EqualTo(QueueJoinResult.Joined));
        Assert.That(bed.Join("c2", "q"), Is.EqualTo(QueueJoinResult.Refused));
        Assert.That(bed.Control.Exits, Is.EqualTo(new[] { ("c1", "nope", QueueExitReason.UnknownQueue), ("c2", "q", QueueExitReason.Duplicate) }));
    }
}
