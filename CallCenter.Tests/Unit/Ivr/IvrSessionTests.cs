using CallCenter.Core.Acd;
using CallCenter.Core.Ivr;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>Each node type driven through a session with a fake port and a fake clock.</summary>
public sealed class IvrSessionTests
{
    private const string Menu = """
        <flow name="main">
          <menu id="menu" prompts="menu" timeout="5" retries="2" invalidPrompts="invalid" timeoutPrompts="timeout" fallback="operator">
            <choice digit="1" next="sales" />
            <choice digit="2" next="support" />
          </menu>
          <queue id="sales" name="sales" />
          <queue id="support" name="support" />
          <extension id="operator" number="2000" />
        </flow>
        """;

    [Test]
    public void AnUninterruptiblePlayIgnoresKeysAndGoesOnWhenItsPromptsFinished()
    {
        using var bed = new IvrTestBed("""
            <flow name="main" language="cmn">
              <play id="notice" prompts="welcome recorded" next="bye" />
              <hangup id="bye" />
            </flow>
            """).Start();

        Assert.That(bed.Commands, Is.EqualTo(new[] { "play welcome+recorded !" }));
        Assert.That(bed.Control.PlayedLanguages, Is.EqualTo(new[] { "cmn" }));
        bed.Press("5");
        Assert.That(bed.Commands, Has.Count.EqualTo(1), "the recording notice must be heard in full");

        bed.Finish();
        Assert.That(bed.Commands, Is.EqualTo(new[] { "play welcome+recorded !", "hangup FlowEnded" }));
        Assert.That(bed.Session.Outcome, Is.EqualTo(IvrSessionOutcome.HungUp));
    }

    [Test]
    public void AReportForAnOlderPlaybackIsIgnored()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <play id="welcome" prompts="welcome" next="bye" />
              <hangup id="bye" />
            </flow>
            """).Start();

        bed.Session.PromptFinished(bed.Control.LastPlaybackId + 1);
        bed.Session.PromptFinished(bed.Control.LastPlaybackId - 1);
        Assert.That(bed.Session.HasEnded, Is.False);
        bed.Finish();
        Assert.That(bed.Session.HasEnded, Is.True);
    }

    [Test]
    public void AKeyDuringAnInterruptiblePromptStopsItAndAnswersTheNextMenu()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <play id="welcome" prompts="welcome" interruptible="true" next="menu" />
              <menu id="menu" prompts="menu" fallback="bye">
                <choice digit="2" next="support" />
              </menu>
              <queue id="support" name="support" />
              <hangup id="bye" />
            </flow>
            """).Start();
        var welcome = bed.Control.LastPlaybackId;

        bed.Press("2");

        Assert.That(bed.Commands, Is.EqualTo(new[] { "play welcome", $"stop {welcome}", "queue support" }),
            "the menu prompt is skipped: the caller already chose");
    }

    [Test]
    public void AMenuChoiceHandsTheCallToItsQueue()
    {
        using var bed = new IvrTestBed(Menu).Start();
        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu" }));

        bed.Finish();
        bed.Press("1");

        Assert.That(bed.Control.Last, Is.EqualTo("queue sales"));
        Assert.That(bed.Session.Outcome, Is.EqualTo(IvrSessionOutcome.Queue));
    }

    [Test]
    public void AKeyDuringTheMenuPromptCutsItShort()
    {
        using var bed = new IvrTestBed(Menu).Start();
        var prompt = bed.Control.LastPlaybackId;

        bed.Press("2");

        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu", $"stop {prompt}", "queue support" }));
    }

    [Test]
    public void TheMenuTimeoutStartsWhenThePromptEndedAndRetriesBeforeTheFallback()
    {
        using var bed = new IvrTestBed(Menu).Start();

        bed.Advance(60);
        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu" }), "no timeout while the caller still hears the choices");

        bed.Finish();
        bed.Advance(4.9);
        Assert.That(bed.Commands, Has.Count.EqualTo(1));
        bed.Advance(0.1);
        Assert.That(bed.Control.Last, Is.EqualTo("play timeout+menu"), "first retry");

        bed.Finish();
        bed.Advance(5);
        Assert.That(bed.Control.Last, Is.EqualTo("play timeout+menu"), "second retry");
        Assert.That(bed.Commands, Has.Count.EqualTo(3));

        bed.Finish();
        bed.Advance(5);
        Assert.That(bed.Control.Last, Is.EqualTo("extension 2000"), "retries=2: after the third silence the fallback");
        Assert.That(bed.Commands, Has.Count.EqualTo(4));
    }

    [Test]
    public void AnInvalidKeyPlaysTheInvalidPromptAndTheMenuAgain()
    {
        using var bed = new IvrTestBed(Menu).Start();
        bed.Finish();

        bed.Press("7");
        Assert.That(bed.Control.Last, Is.EqualTo("play invalid+menu"));

        bed.Press("2");
        Assert.That(bed.Control.Last, Is.EqualTo("queue support"), "a good key during the repeated menu still counts");
    }

    [Test]
    public void InvalidKeysAndTimeoutsShareTheRetriesThenTheFallbackTakesOver()
    {
        using var bed = new IvrTestBed(Menu).Start();
        bed.Finish();

        bed.Press("9");
        bed.Finish();
        bed.Advance(5);
        Assert.That(bed.Control.Last, Is.EqualTo("play timeout+menu"));
        bed.Press("#");

        Assert.That(bed.Control.Last, Is.EqualTo("extension 2000"));
    }

    [Test]
    public void AStaleTimeoutAfterAKeyDoesNothing()
    {
        using var bed = new IvrTestBed(Menu).Start();
        bed.Finish();
        bed.Advance(4);
        bed.Press("9");
        bed.Advance(1.5);

        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu", "play invalid+menu" }), "the old 5 s timeout must not count as a second failure");
    }

    private const string Collect = """
        <flow name="main">
          <collect id="account" prompts="digit-1" variable="account" minLength="4" maxLength="8" terminator="#"
                   firstDigitTimeout="10" interDigitTimeout="3" retries="1" invalidPrompts="invalid" timeoutPrompts="timeout"
                   next="done" fallback="operator" />
          <queue id="done" name="support" />
          <extension id="operator" number="2000" />
        </flow>
        """;

    [Test]
    public void CollectEndsAtTheTerminatorAndStoresTheDigits()
    {
        using var bed = new IvrTestBed(Collect).Start();
        bed.Finish();

        bed.Press("12345#");

        Assert.That(bed.Control.Last, Is.EqualTo("queue support"));
        Assert.That(bed.Control.Queue!.Variables["account"], Is.EqualTo("12345"));
        Assert.That(bed.Session.Variables["account"], Is.EqualTo("12345"));
    }

    [Test]
    public void CollectEndsAtMaxLengthWithoutATerminator()
    {
        using var bed = new IvrTestBed(Collect).Start();
        bed.Press("1234567");
        Assert.That(bed.Session.HasEnded, Is.False);

        bed.Press("8");

        Assert.That(bed.Session.Variables["account"], Is.EqualTo("12345678"));
        Assert.That(bed.Control.Last, Is.EqualTo("queue support"));
    }

    [Test]
    public void CollectEndsWhenTheInterDigitTimeoutPasses()
    {
        using var bed = new IvrTestBed(Collect).Start();
        bed.Finish();
        bed.Press("98");
        bed.Advance(2);
        bed.Press("76");

        bed.Advance(2.9);
        Assert.That(bed.Session.HasEnded, Is.False, "each key restarts the inter-digit timeout");
        bed.Advance(0.1);

        Assert.That(bed.Session.Variables["account"], Is.EqualTo("9876"));
        Assert.That(bed.Control.Last, Is.EqualTo("queue support"));
    }

    [Test]
    public void TooFewDigitsAreInvalidAndAskedForAgain()
    {
        using var bed = new IvrTestBed(Collect).Start();
        bed.Finish();

        bed.Press("12#");
        Assert.That(bed.Control.Last, Is.EqualTo("play invalid+digit-1"));
        Assert.That(bed.Session.Variables.ContainsKey("account"), Is.False);

        bed.Finish();
        bed.Press("4711");
        bed.Advance(3);
        Assert.That(bed.Session.Variables["account"], Is.EqualTo("4711"), "the digits of the failed attempt are not kept");
    }

    [Test]
    public void NoFirstDigitInTimeRetriesThenFallsBack()
    {
        using var bed = new IvrTestBed(Collect).Start();
        bed.Finish();

        bed.Advance(9.9);
        Assert.That(bed.Commands, Has.Count.EqualTo(1));
        bed.Advance(0.1);
        Assert.That(bed.Control.Last, Is.EqualTo("play timeout+digit-1"));

        bed.Finish();
        bed.Advance(10);
        Assert.That(bed.Control.Last, Is.EqualTo("extension 2000"));
        Assert.That(bed.Session.Variables.ContainsKey("account"), Is.False);
    }

    [Test]
    public void TypedAheadKeysFeedACollect()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <play id="welcome" prompts="welcome" interruptible="true" next="pin" />
              <collect id="pin" prompts="digit-2" variable="pin" minLength="4" maxLength="4" next="done" fallback="done" />
              <hangup id="done" />
            </flow>
            """).Start();

        bed.Press("1");
        bed.Press("234");

        Assert.That(bed.Session.Variables["pin"], Is.EqualTo("1234"));
        Assert.That(bed.Commands, Does.Not.Contain("play digit-2"), "the caller knew what to type");
    }

    [Test]
    public void SetNodesShapeTheQueueRequest()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <setVariable id="v" name="segment" value="retail" next="p" />
              <setPriority id="p" value="7" next="s" />
              <setSkills id="s" next="q">
                <skill name="billing" proficiency="60" />
                <skill name="lang.de" />
              </setSkills>
              <queue id="q" name="support" />
            </flow>
            """).Start();

        var transfer = bed.Control.Queue!;
        Assert.Multiple(() =>
        {
            Assert.That(transfer.Queue, Is.EqualTo("support"));
            Assert.That(transfer.Priority, Is.EqualTo(7));
            Assert.That(transfer.Skills, Is.EqualTo(new[] { new SkillRequirement("billing", 60), new SkillRequirement("lang.de") }));
            Assert.That(transfer.Variables["segment"], Is.EqualTo("retail"));
            Assert.That(transfer.Variables["caller"], Is.EqualTo("+4915112345678"));
            Assert.That(transfer.Variables["called"], Is.EqualTo("800"));
        });

        var request = transfer.ToCallerRequest("call-1", "+4915112345678", SupportWithDefaults);
        Assert.That((request.Queue, request.Priority, request.RequiredSkills.Length), Is.EqualTo(("support", 7, 2)), "the flow's choices beat the queue's defaults");
        Assert.That(request.CallbackNumber, Is.EqualTo("+4915112345678"));
    }

    [Test]
    public void AFlowThatSetNoPriorityOrSkillsLeavesTheQueuesDefaultsToApply()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <setVariable id="v" name="segment" value="retail" next="q" />
              <queue id="q" name="support" />
            </flow>
            """).Start();

        var transfer = bed.Control.Queue!;
        Assert.That((transfer.Priority, transfer.Skills), Is.EqualTo(((int?)null, (System.Collections.Immutable.ImmutableArray<SkillRequirement>?)null)));

        var request = transfer.ToCallerRequest("call-1", "1000", SupportWithDefaults);
        Assert.That(request.Priority, Is.EqualTo(25));
        Assert.That(request.RequiredSkills, Is.EqualTo(new[] { new SkillRequirement("lang.fr", 30) }));
        Assert.That(request.CallbackNumber, Is.EqualTo("1000"), "a callback rings the caller, as for one who dialled the queue");
        Assert.That(transfer.ToCallerRequest("call-1", "1000").Priority, Is.Zero, "no queue options: priority 0, as before");
    }

    private static CallCenter.Core.Configuration.QueueOptions SupportWithDefaults => new()
    {
        Name = "support",
        DefaultPriority = 25,
        DefaultSkills = [new CallCenter.Core.Configuration.QueueSkillOptions("lang.fr", 30)],
    };

    [TestCase("42", 42)]
    [TestCase("250", 100)]
    [TestCase("vip", 3)]
    public void SetPriorityFromAVariableTakesANumberAndKeepsThePriorityOtherwise(string value, int expected)
    {
        using var bed = new IvrTestBed($"""
            <flow name="main">
              <setPriority id="base" value="3" next="v" />
              <setVariable id="v" name="priority" value="{value}" next="p" />
              <setPriority id="p" variable="priority" next="q" />
              <queue id="q" name="sales" />
            </flow>
            """).Start();

        Assert.That(bed.Control.Queue!.Priority, Is.EqualTo(expected));
    }

    [Test]
    public void GoToFlowContinuesInTheOtherFlowWithItsLanguageAndTheVariables()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <setVariable id="v" name="origin" value="main" next="jump" />
              <goToFlow id="jump" flow="other" />
            </flow>
            <flow name="other" language="cmn">
              <play id="hello" prompts="welcome" next="out" />
              <extension id="out" number="2000" />
            </flow>
            """).Start();

        Assert.That(bed.Session.FlowName, Is.EqualTo("other"));
        Assert.That(bed.Control.PlayedLanguages, Is.EqualTo(new[] { "cmn" }));
        bed.Finish();
        Assert.That(bed.Control.Last, Is.EqualTo("extension 2000"));
        Assert.That(bed.Control.ExtensionVariables!["origin"], Is.EqualTo("main"));
    }

    [Test]
    public void WhenTheCallerHangsUpNothingMoreIsSentAndNoTimerActs()
    {
        using var bed = new IvrTestBed(Menu).Start();
        bed.Finish();

        bed.Session.CallerHungUp();
        bed.Advance(60);
        bed.Press("1");
        bed.Finish();

        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu" }));
        Assert.That(bed.Session.Outcome, Is.EqualTo(IvrSessionOutcome.CallerHungUp));
    }

    [Test]
    public void TheTimeConditionBranchesOnTheInjectedClock()
    {
        const string flow = """
            <flow name="main">
              <timeCondition id="hours" timeZone="Europe/Berlin" open="open" closed="closed" holiday="holiday">
                <hours days="mon-fri" from="08:00" to="18:00" />
                <holiday date="2026-12-25" />
              </timeCondition>
              <queue id="open" name="sales" />
              <play id="closed" prompts="goodbye" next="bye" />
              <extension id="holiday" number="2000" />
              <hangup id="bye" />
            </flow>
            """;

        // 2026-01-05 is a Monday; Berlin is UTC+1 in winter.
        using (var open = new IvrTestBed(flow, start: new DateTimeOffset(2026, 1, 5, 7, 0, 0, TimeSpan.Zero)).Start())
        {
            Assert.That(open.Control.Last, Is.EqualTo("queue sales"));
        }

        using (var closed = new IvrTestBed(flow, start: new DateTimeOffset(2026, 1, 5, 6, 59, 59, TimeSpan.Zero)).Start())
        {
            Assert.That(closed.Control.Last, Is.EqualTo("play goodbye !"));
        }

        using (var holiday = new IvrTestBed(flow, start: new DateTimeOffset(2026, 12, 25, 10, 0, 0, TimeSpan.Zero)).Start())
        {
            Assert.That(holiday.Control.Last, Is.EqualTo("extension 2000"));
        }
    }

    [Test]
    public void TheRunawayGuardHangsUpAFlowThatLoopsWithoutInput()
    {
        // The validator refuses this loop; built without it, the session must still stop.
        using var bed = new IvrTestBed("""
            <ivr maxSteps="20">
              <flow name="main">
                <setVariable id="a" name="x" value="1" next="b" />
                <setVariable id="b" name="x" value="2" next="a" />
              </flow>
            </ivr>
            """, validate: false).Start();

        Assert.That(bed.Commands, Is.EqualTo(new[] { "hangup Runaway" }));
        Assert.That(bed.Session.Outcome, Is.EqualTo(IvrSessionOutcome.Runaway));
        Assert.That(bed.Log.Entries.Where(e => e.EventId == 1402), Has.Exactly(1).Items);
    }

    [Test]
    public void TheRunawayGuardAlsoStopsAPromptLoopButKeysResetIt()
    {
        using var bed = new IvrTestBed("""
            <ivr maxSteps="8">
              <flow name="main">
                <play id="a" prompts="welcome" interruptible="true" next="b" />
                <play id="b" prompts="goodbye" interruptible="true" next="a" />
              </flow>
            </ivr>
            """, validate: false).Start();

        for (var i = 0; i < 7; i++)
        {
            bed.Finish();
        }

        bed.Press("1");
        for (var i = 0; i < 7; i++)
        {
            bed.Finish();
        }

        Assert.That(bed.Session.HasEnded, Is.False, "a key is input: the count starts again");
        bed.Finish();
        Assert.That(bed.Control.Last, Is.EqualTo("hangup Runaway"));
    }

    [Test]
    public void AReferenceToAMissingNodeEndsTheCallInsteadOfLeavingItWaiting()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <setVariable id="a" name="x" value="1" next="nowhere" />
            </flow>
            """, validate: false).Start();

        Assert.That(bed.Commands, Is.EqualTo(new[] { "hangup FlowEnded" }));
        Assert.That(bed.Log.Entries.Where(e => e.EventId == 1413), Has.Exactly(1).Items);
    }
}
