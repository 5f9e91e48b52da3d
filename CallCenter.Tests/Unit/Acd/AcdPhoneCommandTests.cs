using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Unit.Acd;

/// <summary>The router's side of the agent feature codes, without SIP: a phone's agent is found and acted on in one
/// step, one phone takes one agent, and the pause toggle always has a reason to pause with.</summary>
public sealed class AcdPhoneCommandTests
{
    private static AcdTestBed Bed(QueuesOptions? queues = null) =>
        new(queues ?? QueuesOf(Queue("q")), AgentsOf(Agent("x", "q") with { DefaultExtension = "100" }, Agent("y", "q") with { DefaultExtension = "101" }));

    [Test]
    public void LoginAtLogsInOnThatPhoneAndRefusesWhatWouldPutTwoAgentsOnOnePhone()
    {
        var bed = Bed();

        Assert.That(bed.Router.LoginAt("x", "200"), Is.EqualTo(new AgentPhoneResult("x", AgentCommandResult.Done, AgentState.Available)));
        Assert.That(bed.Router.AgentAt("200"), Is.EqualTo("x"));
        Assert.That(bed.Router.LoginAt("x", "200").Result, Is.EqualTo(AgentCommandResult.NoChange));
        Assert.That(bed.Router.LoginAt("x", "100").Result, Is.EqualTo(AgentCommandResult.AlreadyLoggedIn));
        Assert.That(bed.Router.LoginAt("y", "200"), Is.EqualTo(new AgentPhoneResult("y", AgentCommandResult.PhoneInUse, AgentState.LoggedOut)));
        Assert.That(bed.Router.LoginAt("nobody", "300"), Is.EqualTo(new AgentPhoneResult(null, AgentCommandResult.UnknownAgent, AgentState.LoggedOut)));
        Assert.That(bed.AgentState("x").Extension, Is.EqualTo("200"));
    }

    [Test]
    public void TheQueueToggleLogsInThenOutWhereverTheAgentIs()
    {
        var bed = Bed();

        Assert.That(bed.Router.ToggleLoginAt("x", "100").State, Is.EqualTo(AgentState.Available));
        Assert.That(bed.Router.ToggleLoginAt("x", "100"), Is.EqualTo(new AgentPhoneResult("x", AgentCommandResult.Done, AgentState.LoggedOut)));
        bed.Login("x");
        Assert.That(bed.Router.ToggleLoginAt("x", "100").State, Is.EqualTo(AgentState.LoggedOut), "logged in on another phone: the toggle logs out");
        Assert.That(bed.Router.AgentAt(ExtensionOf("x")), Is.Null);
    }

    [Test]
    public void LogoutAtReachesOnlyTheAgentOnThatPhoneAndWithdrawsItsRingingOffer()
    {
        var bed = Bed();
        Assert.That(bed.Router.LoginAt("x", "200").Result, Is.EqualTo(AgentCommandResult.Done));
        Assert.That(bed.Router.LoginAt("y", "101").Result, Is.EqualTo(AgentCommandResult.Done));
        Assert.That(bed.Router.LogoutAt("100"), Is.EqualTo(new AgentPhoneResult(null, AgentCommandResult.NotLoggedIn, AgentState.LoggedOut)),
            "x's home, but x is at 200");

        bed.Join("c1", "q");
        var ringing = bed.Control.Offers.Single();
        var phone = ringing.AgentId == "x" ? "200" : "101";

        Assert.That(bed.Router.LogoutAt(phone), Is.EqualTo(new AgentPhoneResult(ringing.AgentId, AgentCommandResult.Done, AgentState.LoggedOut)));
        Assert.That(bed.Control.Cancelled, Is.EqualTo(new[] { ringing.OfferId }));
        Assert.That(bed.Control.Offers.Last().AgentId, Is.Not.EqualTo(ringing.AgentId), "the caller goes to the other agent");
        bed.AssertNoViolations();
    }

    [Test]
    public void PauseAtPrefersTheAgentOnThePhoneOverItsHomeAgent()
    {
        var bed = Bed();
        bed.Router.LoginAt("x", "100");
        bed.Router.LoginAt("y", "200");

        Assert.That(bed.Router.PauseAt("101", "y", null).AgentId, Is.EqualTo("y"), "nobody on 101: its home agent");
        Assert.That(bed.Router.PauseAt("200", "x", "lunch"), Is.EqualTo(new AgentPhoneResult("y", AgentCommandResult.Done, AgentState.NotReady)),
            "y is on 200: y, not 200's supposed home agent");
        Assert.That(bed.Router.PauseAt("300", null, null), Is.EqualTo(new AgentPhoneResult(null, AgentCommandResult.UnknownAgent, AgentState.LoggedOut)));
    }

    [Test]
    public void ThePauseToggleUsesTheLastReasonElseTheFirstKeyableOne()
    {
        var bed = Bed();
        bed.Router.LoginAt("x", "100");

        Assert.That(bed.Router.PauseAt("100", "x", null).State, Is.EqualTo(AgentState.NotReady));
        Assert.That(bed.AgentState("x").Reason, Is.EqualTo("break"), "the first reason with a digit");
        Assert.That(bed.Router.PauseAt("100", "x", null).State, Is.EqualTo(AgentState.Available));
        Assert.That(bed.Router.PauseAt("100", "x", "lunch").Result, Is.EqualTo(AgentCommandResult.Done));
        Assert.That(bed.Router.PauseAt("100", "x", null).State, Is.EqualTo(AgentState.Available));
        bed.Router.PauseAt("100", "x", null);
        Assert.That(bed.AgentState("x").Reason, Is.EqualTo("lunch"), "the reason chosen last");
    }

    [Test]
    public void WithoutAKeyableReasonThePauseToggleIsRefusedRatherThanPausingAsNoAnswer()
    {
        var queues = QueuesOf(Queue("q")) with { NotReadyReasons = [new NotReadyReasonOptions(QueuesOptions.DefaultNoAnswerReason, "No answer", null)] };
        var bed = Bed(queues);
        bed.Router.LoginAt("x", "100");

        Assert.That(bed.Router.PauseAt("100", "x", null), Is.EqualTo(new AgentPhoneResult("x", AgentCommandResult.UnknownReason, AgentState.Available)));
    }

    [Test]
    public void APauseOnACallIsDeferredAndTheToggleThenTakesItBack()
    {
        var bed = Bed();
        bed.Router.LoginAt("x", "100");
        bed.Join("c1", "q");
        bed.Answer("c1", "x");

        Assert.That(bed.Router.PauseAt("100", "x", "lunch"), Is.EqualTo(new AgentPhoneResult("x", AgentCommandResult.Deferred, AgentState.OnCall)));
        Assert.That(bed.Router.PauseAt("100", "x", null).Result, Is.EqualTo(AgentCommandResult.Done), "the pending pause is what the toggle ends");
        bed.AgentHangsUp("c1", "x");

        Assert.That(bed.AgentState("x").State, Is.EqualTo(AgentState.Available));
    }

    [Test]
    public void EveryCommandResultHasAnAnswerForThePhone()
    {
        foreach (var result in Enum.GetValues<AgentCommandResult>())
        {
            var answer = AcdDispatcher.ForPhone(new AgentPhoneResult("x", result, AgentState.NotReady));

            Assert.That(answer.Outcome.ToString(), Is.EqualTo(result == AgentCommandResult.AlreadyLoggedIn ? nameof(AgentCodeOutcome.LoggedInElsewhere) : result.ToString()));
            Assert.That(answer.State, Is.EqualTo(AgentState.NotReady.ToText()));
        }
    }
}
