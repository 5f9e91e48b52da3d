using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Configuration;

/// <summary>The agent feature codes in &lt;features&gt; and the agent number in extensions.xml: read, defaulted,
/// and refused where a dialled number would mean two things.</summary>
public sealed class AgentCodesConfigTests
{
    private const string Main = "callcenter.xml";
    private const string Extensions = "extensions.xml";

    private static string MainWithFeatures(string features) => $"""
        <callcenter node="t">
          <sip realm="r" domain="d.test">
            <listener transport="udp" address="127.0.0.1" port="5060" />
          </sip>
          {features}
        </callcenter>
        """;

    private static string ExtensionsWithAgents(string agents) => $"""
        <extensions>
          <user extension="1000" password="a" />
          <user extension="1001" password="b" />
          {agents}
        </extensions>
        """;

    [Test]
    public void TheAgentCodesDefaultToFreePbxAndWazo()
    {
        using var config = ConfigSamples.Folder();

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty);
        var codes = result.Options!.Features;
        Assert.That((codes.QueueToggle, codes.PauseToggle, codes.AgentLogin, codes.AgentLogout), Is.EqualTo(("*45", "*46", "*31", "*32")));
    }

    [Test]
    public void TheAgentCodesMayBeChanged()
    {
        using var config = ConfigSamples.Folder(main: MainWithFeatures("""<features queueToggle="#45" pauseToggle="*47" agentLogin="#1" agentLogout="#2" />"""));

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty);
        var codes = result.Options!.Features;
        Assert.That((codes.QueueToggle, codes.PauseToggle, codes.AgentLogin, codes.AgentLogout), Is.EqualTo(("#45", "*47", "#1", "#2")));
    }

    [Test]
    public void TheShippedFilesUseTheDefaultCodesAndGiveTheAgentsNumbers()
    {
        var result = ConfigurationLoader.Load(TempConfig.ShippedFolder);

        Assert.That(result.Errors, Is.Empty, () => string.Join('\n', result.Errors));
        var options = result.Options!;
        Assert.That(options.Features.AgentLogin, Is.EqualTo("*31"));
        Assert.That(options.Extensions.Agents.Select(a => (a.Id, a.Number)), Is.EqualTo(new[] { ("alice", "101"), ("bob", "102") }));
        Assert.That(options.Queues.NotReadyReasons.Single(r => r.Digit == '1').Code, Is.EqualTo("break"), "*461 is a break");
    }

    [Test]
    public void AnAgentCodeCannotShareAnotherCode()
    {
        var xml = MainWithFeatures("""<features agentLogout="*78" />""");
        using var config = ConfigSamples.Folder(main: xml);

        var error = ConfigSamples.SingleError(config);

        ConfigSamples.AssertAt(error, Main, xml, "agentLogout=", "Feature code *78 of agentLogout is already the code of dndOn");
    }

    [TestCase("dndOn", "*311", "agentLogin", "*31", "1")]
    [TestCase("dndOff", "*462", "pauseToggle", "*46", "2")]
    public void ACodeCannotBeginWithTheLoginOrPauseCode(string attribute, string code, string swallower, string prefix, string rest)
    {
        var xml = MainWithFeatures($"""<features {attribute}="{code}" />""");
        using var config = ConfigSamples.Folder(main: xml);

        var error = ConfigSamples.SingleError(config);

        ConfigSamples.AssertAt(error, Main, xml, attribute + "=", $"{code} of {attribute} begins with {prefix}, the code of {swallower}, which digits follow",
            $"read as {swallower} with {rest}");
    }

    [Test]
    public void ThePauseCodeCannotSwallowTheQueueToggle()
    {
        // *4 followed by a digit would take *45 for "pause with reason 5": the toggle would be unreachable.
        var xml = MainWithFeatures("""<features pauseToggle="*4" />""");
        using var config = ConfigSamples.Folder(main: xml);

        var error = ConfigSamples.SingleError(config);

        ConfigSamples.AssertAt(error, Main, xml, "pauseToggle=", "*45 of queueToggle begins with *4, the code of pauseToggle");
    }

    [Test]
    public void AnAgentNumberIsRead()
    {
        using var config = ConfigSamples.Folder(extensions: ExtensionsWithAgents("""<agent id="alice" pin="4711" extension="1000" number="101" /><agent id="bob" pin="4712" />"""));

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options!.Extensions.Agents.Select(a => a.Number), Is.EqualTo(new[] { "101", null }));
    }

    [Test]
    public void TwoAgentsCannotShareANumber()
    {
        var xml = ExtensionsWithAgents("""
            <agent id="alice" pin="4711" number="101" />
              <agent id="bob" pin="4712" number="101" />
            """);
        using var config = ConfigSamples.Folder(extensions: xml);

        var error = ConfigSamples.SingleError(config);

        Assert.That((error.File, error.Line, error.Column), Is.EqualTo((Extensions, 5, 30)), "on bob's number, the second one");
        Assert.That(TextPosition.Of(xml, "number=", occurrence: 2), Is.EqualTo((error.Line, error.Column)));
        Assert.That(error.Message, Does.Contain("Agent number 101 of 'bob' is already the number of the agent at line 4"));
    }

    [Test]
    public void AnAgentNumberCannotBeAnExtension()
    {
        var xml = ExtensionsWithAgents("""<agent id="alice" pin="4711" number="1001" />""");
        using var config = ConfigSamples.Folder(extensions: xml);

        var error = ConfigSamples.SingleError(config);

        ConfigSamples.AssertAt(error, Extensions, xml, "number=", "Agent number 1001 of 'alice' is also an extension");
    }

    // A number is keyed in between *31 and '*': a '*' or '#' in it (or a feature code as a number) could never be
    // told apart, so the schema admits digits only.
    [TestCase("*31")]
    [TestCase("1*2")]
    [TestCase("")]
    [TestCase("1234567890123456")]
    public void AnAgentNumberIsDigitsOnly(string number)
    {
        var xml = ExtensionsWithAgents($"""<agent id="alice" pin="4711" number="{number}" />""");
        using var config = ConfigSamples.Folder(extensions: xml);

        var error = ConfigSamples.SingleError(config);

        ConfigSamples.AssertAt(error, Extensions, xml, "number=", "1 to 15 digits");
    }
}
