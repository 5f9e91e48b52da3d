using CallCenter.Core.Configuration;
using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Configuration;

/// <summary>queues.xml and the agents' skills and queues in extensions.xml: read, validated, located errors.</summary>
public sealed class QueuesConfigTests
{
    private const string Queues = "queues.xml";
    private const string Extensions = "extensions.xml";

    private const string AgentsWithQueues = """
        <extensions>
          <user extension="1000" password="pw" />
          <user extension="2000" password="pw" />
          <agent id="a" pin="1234" extension="1000">
            <queue name="sales" penalty="2" />
            <skill name="billing" proficiency="80" />
          </agent>
        </extensions>
        """;

    private static TempConfig Folder(string queues, string extensions = AgentsWithQueues) =>
        ConfigSamples.Folder(extensions: extensions).Write(Queues, queues);

    [Test]
    public void TheShippedQueuesLoadWithTheirDocumentedSettings()
    {
        var result = ConfigurationLoader.Load(TempConfig.ShippedFolder);
        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        var options = result.Options!;
        var sales = options.Queues.FindQueue("sales")!;
        var support = options.Queues.FindQueue("support")!;

        Assert.Multiple(() =>
        {
            Assert.That(options.Queues.Queues.Select(q => q.Name), Is.EqualTo(new[] { "sales", "support" }));
            Assert.That((sales.Number, support.Number), Is.EqualTo(("5000", "5001")));
            Assert.That(options.Queues.FindByNumber("5001"), Is.SameAs(support));
            Assert.That(options.Queues.FindByNumber("5002"), Is.Null);
            Assert.That(sales.Strategy, Is.EqualTo(QueueStrategy.LongestIdle));
            Assert.That(sales.RingTimeout, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(sales.MaxWait, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(sales.MaxLength, Is.EqualTo(50));
            Assert.That(sales.JoinWhenEmpty, Is.EqualTo(QueueEmptyRule.NoAgentsLoggedIn));
            Assert.That(sales.OnMaxWait, Is.EqualTo(new OverflowTarget(OverflowAction.Queue, "support", null)));
            Assert.That(sales.OnMaxLength, Is.EqualTo(new OverflowTarget(OverflowAction.Extension, "2000", null)));
            Assert.That(sales.WrapUp, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That((sales.ExitDigit, sales.CallbackDigit), Is.EqualTo(((char?)'0', (char?)'1')));
            Assert.That(sales.Announce.PeriodicPrompt, Is.EqualTo("queue-periodic-announce"));
            Assert.That(support.Strategy, Is.EqualTo(QueueStrategy.SkillsBased));
            Assert.That(support.LeaveWhenEmpty, Is.EqualTo(QueueEmptyRule.NoAgentsReady));
            Assert.That(support.ServiceLevelFormula, Is.EqualTo(ServiceLevelFormula.OfferedExcludingShortAbandons));
            Assert.That(support.Relax, Is.EqualTo(new[]
            {
                new QueueRelaxStep(TimeSpan.FromSeconds(30), 50, 5, false),
                new QueueRelaxStep(TimeSpan.FromSeconds(60), null, 100, true),
            }));
            Assert.That(options.Queues.NotReadyReasons.Select(r => (r.Code, r.Digit)),
                Is.EqualTo(new (string, char?)[] { ("break", '1'), ("lunch", '2'), ("training", '3'), ("admin", '4'), ("no-answer", null) }));
            Assert.That(options.Queues.NoAnswer, Is.EqualTo(new NoAnswerPolicy { MaxMissedOffers = 3, Reason = "no-answer" }));
            Assert.That(options.Extensions.Agents[0].Queues, Is.EqualTo(new[] { new QueueMembershipOptions("sales", 0), new QueueMembershipOptions("support", 5) }));
            Assert.That(options.Extensions.Agents[1].Skills.Select(s => (s.Name, s.Proficiency)),
                Is.EqualTo(new[] { ("billing", 90), ("lang.en", 80), ("lang.de", 100) }));
        });
    }

    [Test]
    public void AMusicClassWithoutRecordingsIsRefusedAndTheClassesThatExistAreNamed()
    {
        const string xml = """
            <queues>
              <queue name="sales" musicOnHold="jaz" />
            </queues>
            """;
        using var config = Folder(xml).Write("moh/jazz/take-five.wav", "RIFF").Write("moh/default/a.wav", "RIFF");

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, "musicOnHold=", "'jaz'", "moh/jaz/", "default, jazz");
    }

    [Test]
    public void MusicClassesAreCheckedOnlyWhereTheInstallationHasAMusicFolder()
    {
        using var config = Folder("""<queues><queue name="sales" musicOnHold="jaz" /></queues>""");

        Assert.That(ConfigurationLoader.Load(config.Folder).Errors, Is.Empty);
    }

    [Test]
    public void WithoutQueuesXmlThereAreNoQueuesAndAgentsWithoutQueuesStillLoad()
    {
        using var config = ConfigSamples.Folder();
        var result = ConfigurationLoader.Load(config.Folder);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options!.Queues.Queues, Is.Empty);
    }

    [Test]
    public void QueuesXmlIsOneOfTheWatchedFiles() =>
        Assert.That(ConfigurationLoader.Files, Does.Contain("queues.xml"));

    [Test]
    public void AnUnknownStrategyListsTheAllowedOnes()
    {
        const string xml = """
            <queues>
              <queue name="sales" strategy="leastrecent" />
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, "strategy=", "'leastrecent'", "ring-all", "longest-idle", "skills-based");
    }

    [Test]
    public void AProficiencyOutOfRangeInExtensionsXmlNamesTheRange()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="pw" />
              <agent id="a" pin="1234">
                <skill name="billing" proficiency="150" />
              </agent>
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Extensions, xml, "proficiency=", "'150'", "from 1 (beginner) to 100 (expert)");
    }

    [Test]
    public void AnAgentServingAnUndefinedQueueIsReportedInExtensionsXml()
    {
        const string extensions = """
            <extensions>
              <user extension="1000" password="pw" />
              <agent id="a" pin="1234">
                <queue name="sales" />
                <queue name="billing" />
              </agent>
            </extensions>
            """;
        using var config = Folder("""<queues><queue name="sales" /></queues>""", extensions);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Extensions, extensions, "name=\"billing\"",
            "Agent 'a' serves queue 'billing'", "not in queues.xml", "known: sales");
    }

    [Test]
    public void WithoutQueuesXmlAnAgentsQueueIsStillChecked()
    {
        using var config = ConfigSamples.Folder(extensions: AgentsWithQueues);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Extensions, AgentsWithQueues, "name=\"sales\"", "queues.xml defines no queues");
    }

    [Test]
    public void DuplicateSkillsAndMembershipsOfOneAgentAreRefused()
    {
        const string extensions = """
            <extensions>
              <user extension="1000" password="pw" />
              <agent id="a" pin="1234">
                <queue name="sales" />
                <skill name="billing" proficiency="10" />
                <queue name="sales" penalty="3" />
                <skill name="billing" proficiency="20" />
              </agent>
            </extensions>
            """;
        using var config = Folder("""<queues><queue name="sales" /></queues>""", extensions);
        var errors = ConfigurationLoader.Load(config.Folder).Errors;
        Assert.That(errors.Select(e => e.Message), Has.Some.Contains("already serves queue 'sales'").And.Some.Contains("lists skill 'billing' twice"));
        Assert.That(errors.Select(e => e.Line), Is.EqualTo(new[] { 6, 7 }));
    }

    [Test]
    public void DuplicateQueueNamesPointAtTheSecond()
    {
        const string xml = """
            <queues>
              <queue name="sales" />
              <queue name="sales" />
            </queues>
            """;
        using var config = Folder(xml);
        var error = ConfigSamples.SingleError(config);
        Assert.That(error.Line, Is.EqualTo(3));
        Assert.That(error.Message, Does.Contain("'sales' is already used by the queue at line 2"));
    }

    [TestCase("5000", "number=\"5000\" strategy", "already the number of queue 'sales' at line 2")]
    [TestCase("2000", "number=\"2000\" strategy", "also the extension of a <user>")]
    [TestCase("50a", "number=\"50a\" strategy", "2 to 15 digits")]
    public void QueueNumbersAreDigitsAndUniqueInTheDialPlan(string number, string marker, string fragment)
    {
        var xml = $"""
            <queues>
              <queue name="sales" number="5000" />
              <queue name="support" number="{number}" strategy="linear" />
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, marker, fragment);
    }

    [TestCase("""<overflow on="maxWait" action="queue" target="nowhere" />""", "target=", "overflows into queue 'nowhere', which is not defined")]
    [TestCase("""<overflow on="maxWait" action="queue" target="sales" />""", "target=", "cannot overflow into itself")]
    [TestCase("""<overflow on="maxLength" action="extension" target="3999" />""", "target=", "no <user> in extensions.xml has it")]
    [TestCase("""<overflow on="maxLength" action="voicemail" />""", "overflow on", "needs target=")]
    [TestCase("""<overflow on="maxWait" action="hangup" target="2000" />""", "target=", "hangs up has no target")]
    public void OverflowTargetsMustExist(string overflow, string marker, string fragment)
    {
        var xml = $"""
            <queues>
              <queue name="sales">
                {overflow}
              </queue>
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, marker, fragment);
    }

    [Test]
    public void TwoOverflowsOnTheSameThresholdAreRefused()
    {
        const string xml = """
            <queues>
              <queue name="sales">
                <overflow on="maxWait" action="hangup" />
                <overflow on="maxWait" action="extension" target="2000" />
              </queue>
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, "on=\"maxWait\" action=\"extension\"", "already has an overflow on maxWait");
    }

    [Test]
    public void RelaxStepsMustWaitLongerOneAfterTheOther()
    {
        const string xml = """
            <queues>
              <queue name="sales">
                <relax after="60" maxPenalty="10" />
                <relax after="30" minProficiency="50" />
              </queue>
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, "after=\"30\"", "after 30 s", "after 60 s");
    }

    [Test]
    public void ReasonCodesAndDigitsAreUniqueAndTheNoAnswerReasonMustExist()
    {
        const string xml = """
            <queues>
              <reason code="break" digit="1" />
              <reason code="lunch" digit="1" />
              <reason code="break" />
              <noAnswer maxMissedOffers="2" reason="asleep" />
            </queues>
            """;
        using var config = Folder(xml, ConfigSamples.Extensions);
        var errors = ConfigurationLoader.Load(config.Folder).Errors;
        Assert.That(errors.Select(e => (e.Line, e.Message.Split(';')[0])), Is.EqualTo(new[]
        {
            (3, "Digit 1 already chooses reason 'break' at line 2, column 4"),
            (4, "Reason code 'break' is already defined at line 2, column 4"),
            (5, "Agents who miss 2 offers are set not ready with reason 'asleep', but no <reason code=\"asleep\" /> defines it"),
        }));
    }

    [Test]
    public void AQueueGivesItsDirectCallersAPriorityAndRequiredSkills()
    {
        using var config = Folder("""
            <queues>
              <queue name="sales" number="5000" priority="7">
                <skill name="billing" proficiency="60" />
                <skill name="lang.de" />
              </queue>
              <queue name="support" number="5001" />
            </queues>
            """);

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        var sales = result.Options!.Queues.FindQueue("sales")!;
        var support = result.Options.Queues.FindQueue("support")!;
        Assert.Multiple(() =>
        {
            Assert.That(sales.DefaultPriority, Is.EqualTo(7));
            Assert.That(sales.DefaultSkills, Is.EqualTo(new[] { new QueueSkillOptions("billing", 60), new QueueSkillOptions("lang.de", null) }));
            Assert.That((support.DefaultPriority, support.DefaultSkills.Length), Is.EqualTo((0, 0)), "none unless configured");
            Assert.That(sales, Is.Not.EqualTo(sales with { DefaultSkills = [new QueueSkillOptions("billing", 60)] }), "a reload sees a changed skill");
        });
    }

    [Test]
    public void AQueuesDirectCallersPriorityIsBoundedAndASkillIsAskedOnce()
    {
        const string xml = """
            <queues>
              <queue name="sales">
                <skill name="billing" />
                <skill name="billing" proficiency="50" />
              </queue>
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, "name=\"billing\" proficiency=\"50\"", "already asks for skill 'billing'");

        using var tooHigh = Folder("""<queues><queue name="sales" priority="101" /></queues>""");
        Assert.That(ConfigurationLoader.Load(tooHigh.Folder).Errors, Is.Not.Empty);
    }

    [Test]
    public void TheSameKeyCannotBothLeaveAndAskForACallback()
    {
        const string xml = """
            <queues>
              <queue name="sales" exitDigit="1" callbackDigit="1" />
            </queues>
            """;
        using var config = Folder(xml);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Queues, xml, "callbackDigit=", "both to leave the queue and to ask for a callback");
    }

    [Test]
    public async Task AnEditedQueuesXmlIsReloadedAndABadEditIsRefusedWithItsLocation()
    {
        using var config = Folder("""<queues><queue name="sales" ringTimeout="15" /></queues>""");
        var initial = ConfigurationLoader.Load(config.Folder);
        Assert.That(initial.Errors, Is.Empty, () => string.Join("\n", initial.Errors));
        using var live = new LiveConfiguration(config.Folder, initial.Options!, new ListLogger<LiveConfiguration>(), new FakeTimeProvider());
        var changes = new List<CallCenterOptions>();
        live.Changed += changes.Add;

        config.Write(Queues, """<queues><queue name="sales" ringTimeout="25" /><queue name="support" /></queues>""");
        var applied = await live.ReloadNowAsync();
        Assert.That(applied.Succeeded, Is.True);
        Assert.That(changes.Single().Queues.Queues.Select(q => (q.Name, q.RingTimeout.TotalSeconds)), Is.EqualTo(new[] { ("sales", 25.0), ("support", 15.0) }));

        config.Write(Queues, """<queues><queue name="sales" ringTimeout="0" /></queues>""");
        var refused = await live.ReloadNowAsync();
        Assert.That(refused.Errors.Single().ToString(), Does.StartWith("queues.xml:1:"));
        Assert.That(live.Current.Queues.Queues, Has.Length.EqualTo(2), "the last good configuration keeps serving");
    }

    [Test]
    public void CheckConfigNamesTheQueues()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.That(CheckConfigCommand.Run(TempConfig.ShippedFolder, output, error), Is.EqualTo(CheckConfigCommand.Valid), error.ToString);
        Assert.That(output.ToString(), Does.Contain("queues:    sales, support"));
    }
}
