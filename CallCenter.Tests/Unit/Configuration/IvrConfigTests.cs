using CallCenter.Core.Configuration;
using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Configuration;

/// <summary>ivr.xml: the shipped example, and each kind of mistake reported at its place with what to do.</summary>
public sealed class IvrConfigTests
{
    private const string Ivr = "ivr.xml";

    private const string Users = """
        <extensions>
          <user extension="1000" password="pw" />
          <user extension="2000" password="pw" />
        </extensions>
        """;

    private const string Queues = """
        <queues>
          <queue name="sales" />
          <queue name="support" />
        </queues>
        """;

    private static TempConfig Folder(string ivr) =>
        ConfigSamples.Folder(extensions: Users).Write("queues.xml", Queues).Write(Ivr, ivr);

    private static void AssertSingleErrorAt(string ivr, string marker, params string[] fragments)
    {
        using var config = Folder(ivr);
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Ivr, ivr, marker, fragments);
    }

    [Test]
    public void TheShippedExampleLoadsWithItsRoutesFlowsAndNodes()
    {
        var result = ConfigurationLoader.Load(TempConfig.ShippedFolder);
        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        var ivr = result.Options!.Ivr;
        var hotline = ivr.FindFlow("hotline")!;
        var hours = (IvrTimeConditionNode)hotline.FindNode("hours")!;
        var dip = (IvrDataDipNode)hotline.FindNode("vip-lookup")!;
        var menu = (IvrMenuNode)hotline.FindNode("main-menu")!;

        Assert.Multiple(() =>
        {
            Assert.That(ivr.Routes.Select(r => (r.Number, r.Flow)),
                Is.EqualTo(new[] { ("+498912345600", "hotline"), ("800", "hotline"), ("+862112345600", "hotline-cmn") }));
            Assert.That(ivr.FlowForNumber("800"), Is.SameAs(hotline));
            Assert.That(ivr.FlowForNumber("+862112345600")!.Language, Is.EqualTo("cmn"));
            Assert.That(ivr.FlowForNumber("999"), Is.Null);
            Assert.That(ivr.MaxStepsWithoutInput, Is.EqualTo(64));
            Assert.That(hotline.Start, Is.EqualTo("welcome"));
            Assert.That(((IvrPlayNode)hotline.FindNode("welcome")!).Interruptible, Is.True);
            Assert.That(((IvrPlayNode)hotline.FindNode("notice")!).Prompts, Is.EqualTo(new[] { "recorded" }));
            Assert.That(hours.TimeZone.Id, Is.EqualTo("Europe/Berlin"));
            Assert.That(hours.Hours, Has.Length.EqualTo(6), "mon-fri and sat");
            Assert.That(hours.Hours[0], Is.EqualTo(new IvrOpeningHours(DayOfWeek.Monday, TimeSpan.FromHours(8), TimeSpan.FromHours(18))));
            Assert.That(hours.Hours[5], Is.EqualTo(new IvrOpeningHours(DayOfWeek.Saturday, TimeSpan.FromHours(9), TimeSpan.FromHours(13))));
            Assert.That(hours.Holidays, Does.Contain(new DateOnly(2026, 12, 25)));
            Assert.That(dip.Url, Is.EqualTo(new Uri("http://127.0.0.1:8089/crm/caller")));
            Assert.That(dip.Timeout, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
            Assert.That((dip.Ok, dip.Failed, dip.TimedOut), Is.EqualTo(("vip-priority", "main-menu", "main-menu")));
            Assert.That(dip.Map, Does.Contain(new IvrDipField("customer.priority", "priority")));
            Assert.That(menu.Choices.Select(c => (c.Digit, c.Next)), Is.EqualTo(new[] { ('1', "sales-skills"), ('2', "support-skills"), ('0', "operator") }));
            Assert.That((menu.Timeout, menu.Retries, menu.Fallback), Is.EqualTo((TimeSpan.FromSeconds(5), 2, "operator")));
            Assert.That(((IvrSetSkillsNode)hotline.FindNode("support-skills")!).Skills,
                Is.EqualTo(new[] { new IvrSkillRequirement("billing", 60), new IvrSkillRequirement("lang.en", null) }));
        });
    }

    [Test]
    public void IvrXmlIsOneOfTheWatchedFilesAndOptional()
    {
        Assert.That(ConfigurationLoader.Files, Does.Contain("ivr.xml"));
        using var config = ConfigSamples.Folder();
        var result = ConfigurationLoader.Load(config.Folder);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options!.Ivr.Flows, Is.Empty);
    }

    [Test]
    public void DefaultsApplyWhenAttributesAreLeftOut()
    {
        const string ivr = """
            <ivr>
              <flow name="main">
                <menu id="m" prompts="menu" fallback="c2"><choice digit="1" next="c" /></menu>
                <collect id="c" prompts="menu" variable="v" next="d" fallback="bye" />
                <collect id="c2" prompts="menu" variable="w" next="d" fallback="bye" />
                <dataDip id="d" url="https://crm.example/lookup?src=ivr" ok="bye" failed="other" />
                <hangup id="bye" />
                <hangup id="other" />
              </flow>
            </ivr>
            """;
        using var config = Folder(ivr);
        var result = ConfigurationLoader.Load(config.Folder);
        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        var flow = result.Options!.Ivr.Flows.Single();
        var menu = (IvrMenuNode)flow.FindNode("m")!;
        var collect = (IvrCollectNode)flow.FindNode("c")!;
        var dip = (IvrDataDipNode)flow.FindNode("d")!;

        Assert.Multiple(() =>
        {
            Assert.That(flow.Start, Is.EqualTo("m"), "the first node");
            Assert.That(flow.Language, Is.EqualTo("en"));
            Assert.That((menu.Timeout, menu.Retries, menu.InvalidPrompts.IsEmpty), Is.EqualTo((TimeSpan.FromSeconds(5), 2, true)));
            Assert.That((collect.MinLength, collect.MaxLength, collect.Terminator), Is.EqualTo((1, 16, (char?)null)));
            Assert.That((collect.FirstDigitTimeout, collect.InterDigitTimeout), Is.EqualTo((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))));
            Assert.That((dip.Method, dip.Timeout, dip.TimedOut), Is.EqualTo((IvrDipMethod.Get, TimeSpan.FromSeconds(2), "other")));
        });
    }

    [Test]
    public void AnUnknownNextNodeNamesTheNodesThereAre() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <play id="welcome" prompts="welcome" next="manu" />
            <menu id="menu" prompts="menu" fallback="bye"><choice digit="1" next="bye" /></menu>
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "next=\"manu\"", "Node 'welcome' continues with 'manu'", "no such node", "welcome, menu, bye");

    [Test]
    public void AnUnknownMenuChoiceTargetIsReportedOnTheChoice() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <menu id="menu" prompts="menu" fallback="bye">
              <choice digit="1" next="bye" />
              <choice digit="2" next="sales" />
            </menu>
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "next=\"sales\"", "'sales'", "no such node");

    [Test]
    public void ARouteToAnUnknownFlowListsTheFlows() => AssertSingleErrorAt("""
        <ivr>
          <route number="800" flow="hotlin" />
          <flow name="hotline"><hangup id="bye" /></flow>
        </ivr>
        """, "flow=\"hotlin\"", "Number 800", "'hotlin'", "known flows: hotline");

    [Test]
    public void ARouteNumberThatIsAlsoAnExtensionIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <route number="2000" flow="main" />
          <flow name="main"><hangup id="bye" /></flow>
        </ivr>
        """, "number=", "Number 2000 is also the extension");

    [Test]
    public void AGoToAnUnknownFlowIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main"><goToFlow id="jump" flow="after-hours" /></flow>
        </ivr>
        """, "flow=\"after-hours\"", "'after-hours'", "not defined");

    [Test]
    public void AQueueThatQueuesXmlDoesNotDefineIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main"><queue id="q" name="billing" /></flow>
        </ivr>
        """, "name=\"billing\"", "queue 'billing'", "not in queues.xml", "known: sales, support");

    [Test]
    public void AnExtensionWithoutAUserIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main"><extension id="op" number="2001" /></flow>
        </ivr>
        """, "number=\"2001\"", "extension 2001", "no <user>");

    [Test]
    public void AKeyUsedTwiceInAMenuIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <menu id="menu" prompts="menu" fallback="bye">
              <choice digit="1" next="bye" />
              <choice digit="1" next="bye" />
            </menu>
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "digit=\"1\" next=\"bye\" />\n    </menu>", "already uses key 1");

    [Test]
    public void AKeyThatIsNoDtmfKeyIsRefusedByTheSchema() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <menu id="menu" prompts="menu" fallback="bye"><choice digit="x" next="bye" /></menu>
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "digit=\"x\"", "'digit' on <choice> is 'x'", "one DTMF key: 0-9, * or #");

    [Test]
    public void AnUnknownNodeTypeIsRefusedByTheSchemaWithTheNodesThereAre() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <playback id="p" prompts="welcome" next="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "playback", "<playback> is not allowed", "play", "dataDip");

    [Test]
    public void AStepLimitOutOfRangeIsRefusedByTheSchema() => AssertSingleErrorAt("""
        <ivr maxSteps="2">
          <flow name="main"><hangup id="bye" /></flow>
        </ivr>
        """, "maxSteps=", "from 8 to 1000");

    [Test]
    public void AnUnknownTimeZoneIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <timeCondition id="t" timeZone="Europe/Berln" open="bye" closed="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "timeZone=", "'Europe/Berln'", "IANA", "Europe/Berlin");

    [Test]
    public void HoursThatEndBeforeTheyStartAreAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <timeCondition id="t" timeZone="Europe/Berlin" open="bye" closed="bye">
              <hours days="mon-fri" from="22:00" to="06:00" />
            </timeCondition>
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "to=\"06:00\"", "22:00 to 06:00", "24:00");

    [Test]
    public void AnHourOutsideTheClockIsRefusedByTheSchema() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <timeCondition id="t" timeZone="Europe/Berlin" open="bye" closed="bye">
              <hours days="mon" from="08:00" to="25:00" />
            </timeCondition>
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "to=\"25:00\"", "HH:MM");

    [TestCase("ftp://crm.example/lookup")]
    [TestCase("crm.example/lookup")]
    [TestCase("http://crm.example/lookup#part")]
    public void AUrlThatIsNoAbsoluteHttpUrlIsAnError(string url) => AssertSingleErrorAt($"""
        <ivr>
          <flow name="main">
            <dataDip id="d" url="{url}" ok="bye" failed="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "url=", "http://", $"'{url}'");

    [Test]
    public void ANodeNothingLeadsToIsUnreachable() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <play id="welcome" prompts="welcome" next="bye" />
            <play id="orphan" prompts="goodbye" next="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "id=\"orphan\"", "'orphan'", "cannot be reached from its start node 'welcome'");

    [Test]
    public void ALoopWithoutAMenuIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <menu id="m" prompts="menu" fallback="a"><choice digit="1" next="q" /></menu>
            <play id="a" prompts="goodbye" next="b" />
            <setVariable id="b" name="x" value="1" next="a" />
            <queue id="q" name="sales" />
          </flow>
        </ivr>
        """, "id=\"a\"", "a → b", "never asks the caller for a key");

    [Test]
    public void ALoopAcrossFlowsIsFoundToo() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <play id="p" prompts="welcome" next="jump" />
            <goToFlow id="jump" flow="other" />
          </flow>
          <flow name="other">
            <goToFlow id="back" flow="main" />
          </flow>
        </ivr>
        """, "id=\"p\"", "p → jump → other:back", "never asks the caller for a key");

    [Test]
    public void ALoopThroughAMenuIsAllowed()
    {
        const string ivr = """
            <ivr>
              <flow name="main">
                <play id="a" prompts="welcome" next="m" />
                <menu id="m" prompts="menu" fallback="a"><choice digit="1" next="a" /><choice digit="2" next="q" /></menu>
                <queue id="q" name="sales" />
              </flow>
            </ivr>
            """;
        using var config = Folder(ivr);
        var result = ConfigurationLoader.Load(config.Folder);
        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
    }

    [Test]
    public void DuplicateNodeIdsAreAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <play id="x" prompts="welcome" next="bye" />
            <hangup id="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "id=\"bye\" />\n  </flow>", "already has a node 'bye'");

    [Test]
    public void DuplicateFlowNamesAndRouteNumbersAreErrors()
    {
        const string ivr = """
            <ivr>
              <route number="800" flow="main" />
              <route number="800" flow="main" />
              <flow name="main"><hangup id="bye" /></flow>
              <flow name="main"><hangup id="bye" /></flow>
            </ivr>
            """;
        using var config = Folder(ivr);
        var errors = ConfigurationLoader.Load(config.Folder).Errors;
        Assert.That(errors, Has.Length.EqualTo(2), () => string.Join("\n", errors));
        ConfigSamples.AssertAt(errors[0], Ivr, ivr, "number=\"800\" flow=\"main\" />\n  <flow", "Number 800 is already routed");
        ConfigSamples.AssertAt(errors[1], Ivr, ivr, "name=\"main\"><hangup id=\"bye\" /></flow>\n</ivr>", "Flow name 'main' is already used");
    }

    [Test]
    public void AMinimumLongerThanTheMaximumIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main">
            <collect id="c" prompts="menu" variable="pin" minLength="6" maxLength="4" next="bye" fallback="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "minLength=", "at least 6 and at most 4");

    [TestCase("""value="5" variable="p" """)]
    [TestCase("")]
    public void SetPriorityNeedsExactlyOneSource(string attributes) => AssertSingleErrorAt($"""
        <ivr>
          <flow name="main">
            <setPriority id="p" {attributes}next="bye" />
            <hangup id="bye" />
          </flow>
        </ivr>
        """, "setPriority", "exactly one of value");

    [Test]
    public void AStartNodeThatDoesNotExistIsAnError() => AssertSingleErrorAt("""
        <ivr>
          <flow name="main" start="welcom">
            <hangup id="welcome" />
          </flow>
        </ivr>
        """, "start=", "starts at node 'welcom'", "nodes: welcome");

    [Test]
    public void APromptMissingFromSoundsIsAnErrorWhenThereAreSounds()
    {
        const string ivr = """
            <ivr>
              <flow name="main" language="cmn">
                <play id="welcome" prompts="welcome closed" next="bye" />
                <hangup id="bye" />
              </flow>
            </ivr>
            """;
        using var config = Folder(ivr).Write("sounds/cmn/welcome.wav", "RIFF");
        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Ivr, ivr, "prompts=", "prompt 'closed'", "sounds/cmn/closed.wav does not exist");
    }

    [Test]
    public void ABrokenQueuesXmlIsReportedThereAndNotAsIvrErrors()
    {
        const string ivr = """
            <ivr>
              <flow name="main"><queue id="q" name="sales" /></flow>
            </ivr>
            """;
        using var config = Folder(ivr).Write("queues.xml", """<queues><queue name="sales" strategy="bogus" /></queues>""");
        var error = ConfigSamples.SingleError(config);
        Assert.That(error.File, Is.EqualTo("queues.xml"));
    }

    [Test]
    public async Task AnIvrEditIsAppliedLiveAndABadOneKeepsTheLastGoodFlows()
    {
        using var config = TempConfig.Create(sipPort: 15060, webPort: 18080);
        const string good = """
            <ivr>
              <route number="800" flow="main" />
              <flow name="main"><extension id="op" number="1000" /></flow>
            </ivr>
            """;
        config.Write(Ivr, good);
        var initial = ConfigurationLoader.Load(config.Folder);
        Assert.That(initial.Errors, Is.Empty, () => string.Join("\n", initial.Errors));
        var log = new ListLogger<LiveConfiguration>();
        using var live = new LiveConfiguration(config.Folder, initial.Options!, log, new FakeTimeProvider());

        config.Write(Ivr, good.Replace("number=\"1000\"", "number=\"1999\"", StringComparison.Ordinal));
        var rejected = await live.ReloadNowAsync();

        Assert.That(rejected.Succeeded, Is.False);
        Assert.That(live.Current, Is.SameAs(initial.Options));
        Assert.That(log.Entries.Single(e => e.EventId == 1101).Message, Does.Contain("ivr.xml:3:").And.Contain("extension 1999"));
        Assert.That(log.Entries.Single(e => e.EventId == 1101).Level, Is.EqualTo(LogLevel.Warning));

        config.Write(Ivr, good.Replace("number=\"1000\"", "number=\"1003\"", StringComparison.Ordinal));
        var applied = await live.ReloadNowAsync();

        Assert.That(applied.Succeeded, Is.True);
        Assert.That(((IvrExtensionNode)live.Current.Ivr.FlowForNumber("800")!.Nodes[0]).Extension, Is.EqualTo("1003"));
    }
}
