using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>Agent states: the transition table, commands, no-answer handling, pauses and the state log.</summary>
public sealed class AcdAgentTests
{
    [TestCase(AgentState.LoggedOut, AgentState.Ringing)]
    [TestCase(AgentState.LoggedOut, AgentState.OnCall)]
    [TestCase(AgentState.Ringing, AgentState.Ringing)]
    [TestCase(AgentState.WrapUp, AgentState.Ringing)]
    [TestCase(AgentState.NotReady, AgentState.Ringing)]
    [TestCase(AgentState.Available, AgentState.OnCall)]
    [TestCase(AgentState.Available, AgentState.WrapUp)]
    [TestCase(AgentState.OnCall, AgentState.Ringing)]
    [TestCase(AgentState.WrapUp, AgentState.OnCall)]
    public void TheStateMachineRefusesIllegalTransitions(AgentState from, AgentState to) =>
        Assert.That(AgentStateMachine.IsAllowed(from, to), Is.False);

    [TestCase(AgentState.LoggedOut, AgentState.Available)]
    [TestCase(AgentState.Available, AgentState.Ringing)]
    [TestCase(AgentState.Ringing, AgentState.OnCall)]
    [TestCase(AgentState.Ringing, AgentState.Available)]
    [TestCase(AgentState.OnCall, AgentState.WrapUp)]
    [TestCase(AgentState.WrapUp, AgentState.Available)]
    [TestCase(AgentState.NotReady, AgentState.NotReady)]
    [TestCase(AgentState.NotReady, AgentState.Available)]
    public void TheStateMachineAllowsTheNormalPath(AgentState from, AgentState to) =>
        Assert.That(AgentStateMachine.IsAllowed(from, to), Is.True);

    [Test]
    public void StateTextsRoundTrip()
    {
        foreach (var state in Enum.GetValues<AgentState>())
        {
            Assert.That(AgentStateMachine.TryParse(state.ToText(), out var parsed) && parsed == state, Is.True, state.ToString());
        }
    }

    [Test]
    public void CommandsThatMakeNoSenseAreRefusedWithAReason()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q")), AgentsOf(Agent("x", "q")));
        Assert.Multiple(() =>
        {
            Assert.That(bed.Router.Login("nobody", "100"), Is.EqualTo(AgentCommandResult.UnknownAgent));
            Assert.That(bed.Router.SetNotReady("x", "break"), Is.EqualTo(AgentCommandResult.NotLoggedIn));
            Assert.That(bed.Router.Logout("x"), Is.EqualTo(AgentCommandResult.NotLoggedIn));
            Assert.That(bed.Router.Login("x", "100"), Is.EqualTo(AgentCommandResult.Done));
            Assert.That(bed.Router.Login("x", "101"), Is.EqualTo(AgentCommandResult.AlreadyLoggedIn));
            Assert.That(bed.Router.SetNotReady("x", "coffee"), Is.EqualTo(AgentCommandResult.UnknownReason));
            Assert.That(bed.Router.SetNotReady("x", null), Is.EqualTo(AgentCommandResult.UnknownReason), "no reason was ever chosen");
            Assert.That(bed.Router.SetReady("x"), Is.EqualTo(AgentCommandResult.NoChange));
        });
    }

    [Test]
    public void EveryStateChangeIsRecordedWithItsTimeReasonAndExtension()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { WrapUp = TimeSpan.FromSeconds(5) }), AgentsOf(Agent("x", "q")));
        var t0 = bed.Clock.GetUtcNow();
        bed.Login("x");
        bed.Join("c1", "q");
        bed.Advance(2);
        bed.Answer("c1", "x");
        bed.Advance(10);
        bed.AgentHangsUp("c1", "x");
        bed.Advance(5);
        bed.Router.SetNotReady("x", "break");
        bed.Router.Logout("x");

        Assert.That(bed.Records.States.Select(s => (s.State, s.Reason, (s.At - t0).TotalSeconds)), Is.EqualTo(new[]
        {
            ("available", (string?)null, 0.0), ("ringing", null, 0.0), ("on-call", null, 2.0), ("wrap-up", null, 12.0),
            ("available", null, 17.0), ("not-ready", "break", 17.0), ("logged-out", null, 17.0),
        }));
        Assert.That(bed.Records.States.Take(6).Select(s => s.Extension), Has.All.EqualTo(ExtensionOf("x")));
    }

    [Test]
    public void AnAgentWhoMissesTheConfiguredNumberOfOffersIsSetNotReadyWithReasonNoAnswer()
    {
        var queues = QueuesOf(Queue("q") with { RingTimeout = TimeSpan.FromSeconds(10), RetryDelay = TimeSpan.FromSeconds(2) })
            with { NoAnswer = new NoAnswerPolicy { MaxMissedOffers = 2 } };
        var bed = new AcdTestBed(queues, AgentsOf(Agent("sleepy", "q"), Agent("awake", "q")));
        bed.Login("sleepy");
        bed.Join("c1", "q");
        bed.Advance(10);
        Assert.That(bed.Control.Cancelled, Is.EqualTo(new[] { bed.Control.Offers[0].OfferId }), "a ring timeout stops the phone");
        Assert.That(bed.AgentState("sleepy").State, Is.EqualTo(AgentState.Available));

        bed.Advance(1.9);
        Assert.That(bed.Control.Offers, Has.Count.EqualTo(1), "the retry delay holds the caller back");
        bed.Advance(0.1);
        Assert.That(bed.Control.Offers, Has.Count.EqualTo(2));

        bed.Router.OfferFailed(bed.Control.Offers[1].OfferId, OfferFailure.Rejected);
        Assert.That((bed.AgentState("sleepy").State, bed.AgentState("sleepy").Reason),
            Is.EqualTo((AgentState.NotReady, QueuesOptions.DefaultNoAnswerReason)));
        Assert.That(bed.Records.Events.Count(e => e.Type == AcdQueueEventType.RingNoAnswer), Is.EqualTo(2));

        bed.Login("awake");
        bed.Advance(2);
        Assert.That(bed.Control.Offers.Last().AgentId, Is.EqualTo("awake"), "the caller goes on to an agent who is there");
    }

    [Test]
    public void AnAnsweredOfferResetsTheMissedCount()
    {
        var queues = QueuesOf(Queue("q") with { RetryDelay = TimeSpan.Zero }) with { NoAnswer = new NoAnswerPolicy { MaxMissedOffers = 2 } };
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", "q")));
        bed.Login("x");
        bed.Join("c1", "q");
        bed.Router.OfferFailed(bed.Control.Offers[0].OfferId, OfferFailure.NoAnswer);
        bed.Answer("c1", "x");
        bed.AgentHangsUp("c1", "x");
        bed.Join("c2", "q");
        bed.Router.OfferFailed(bed.Control.Offers.Last().OfferId, OfferFailure.Busy);

        Assert.That(bed.AgentState("x").State, Is.Not.EqualTo(AgentState.NotReady));
        Assert.That(bed.AgentState("x").MissedOffers, Is.EqualTo(1));
    }

    [Test]
    public void PausingOrLoggingOutDuringACallAppliesWhenTheCallAndItsWrapUpEnd()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q") with { WrapUp = TimeSpan.FromSeconds(5) }), AgentsOf(Agent("x", "q"), Agent("y", "q")));
        bed.LoginAll();
        bed.Join("c1", "q");
        var first = bed.Control.Offers[0].AgentId;
        bed.Answer("c1", first);
        Assert.That(bed.Router.SetNotReady(first, "lunch"), Is.EqualTo(AgentCommandResult.Deferred));
        Assert.That(bed.AgentState(first).State, Is.EqualTo(AgentState.OnCall));

        bed.AgentHangsUp("c1", first);
        Assert.That(bed.AgentState(first).State, Is.EqualTo(AgentState.WrapUp));
        bed.Advance(5);
        Assert.That((bed.AgentState(first).State, bed.AgentState(first).Reason), Is.EqualTo((AgentState.NotReady, "lunch")));

        var other = first == "x" ? "y" : "x";
        bed.Join("c2", "q");
        bed.Answer("c2", other);
        Assert.That(bed.Router.Logout(other), Is.EqualTo(AgentCommandResult.Deferred));
        bed.AgentHangsUp("c2", other);
        Assert.That(bed.AgentState(other).State, Is.EqualTo(AgentState.LoggedOut), "a logout skips the wrap-up");
    }

    [Test]
    public void PausingWhileThePhoneRingsWithdrawsTheOfferAndTheCallerGoesToTheNextAgent()
    {
        var bed = new AcdTestBed(QueuesOf(Queue("q", QueueStrategy.Linear)), AgentsOf(Agent("x", "q"), Agent("y", "q")));
        bed.LoginAll();
        bed.Join("c1", "q");
        Assert.That(bed.Control.Offers.Single().AgentId, Is.EqualTo("x"));

        Assert.That(bed.Router.SetNotReady("x", "break"), Is.EqualTo(AgentCommandResult.Done));

        Assert.That(bed.Control.Cancelled, Is.EqualTo(new[] { bed.Control.Offers[0].OfferId }));
        Assert.That(bed.Control.Offers.Last().AgentId, Is.EqualTo("y"));
        Assert.That(bed.Records.Events.Count(e => e.Type == AcdQueueEventType.RingNoAnswer), Is.Zero);
        bed.AssertNoViolations();
    }

    [Test]
    public void AnAutomaticNoAnswerPauseDoesNotReplaceTheReasonTheAgentChose()
    {
        var queues = QueuesOf(Queue("q")) with { NoAnswer = new NoAnswerPolicy { MaxMissedOffers = 1 } };
        var bed = new AcdTestBed(queues, AgentsOf(Agent("x", "q")));
        bed.Login("x");
        bed.Router.SetNotReady("x", "break");
        bed.Router.SetReady("x");
        bed.Join("c1", "q");
        bed.Router.OfferFailed(bed.Control.Offers[0].OfferId, OfferFailure.NoAnswer);
        Assert.That(bed.AgentState("x").Reason, Is.EqualTo(QueuesOptions.DefaultNoAnswerReason));

        bed.Router.TogglePause("x");
        bed.Router.TogglePause("x");
        Assert.That(bed.AgentState("x").Reason, Is.EqualTo("break"));
    }
}
