using CallCenter.Server.Configuration;

namespace CallCenter.Tests.Unit.Configuration;

/// <summary>Each semantic rule, provoked alone, lands on the attribute (or element) that has to change.</summary>
public sealed class ConfigValidatorTests
{
    private const string Main = "callcenter.xml";
    private const string Extensions = "extensions.xml";

    private static string MainWith(string sipChildren, string sections = "") => $"""
        <callcenter node="t">
          <sip realm="r" domain="d.test">
        {sipChildren}
          </sip>
        {sections}
        </callcenter>
        """;

    private static ConfigError MainError(string xml)
    {
        using var config = ConfigSamples.Folder(main: xml);
        return ConfigSamples.SingleError(config);
    }

    private static ConfigError ExtensionsError(string xml)
    {
        using var config = ConfigSamples.Folder(extensions: xml);
        return ConfigSamples.SingleError(config);
    }

    [Test]
    public void DuplicateListenersPointAtTheSecondAndSayWhereTheFirstIs()
    {
        var xml = MainWith("""
                <listener transport="udp" address="0.0.0.0" port="5060" />
                <listener transport="udp" address="0.0.0.0" port="5060" />
            """);
        var first = Support.TextPosition.Of(xml, "listener");
        var secondPort = Support.TextPosition.Of(xml, " port=", occurrence: 2);

        var error = MainError(xml);

        Assert.That((error.File, error.Line, error.Column), Is.EqualTo((Main, secondPort.Line, secondPort.Column + 1)));
        Assert.That(error.Message, Does.Contain("duplicates")
            .And.Contain($"line {first.Line}, column {first.Column}")
            .And.Contain("remove one of them"));
    }

    [Test]
    public void TcpAndTlsCannotShareAPortOnOverlappingAddresses()
    {
        var xml = MainWith("""
                <listener transport="tcp" address="0.0.0.0" port="5060" />
                <listener transport="tls" address="127.0.0.1" port="5060" certificate="schema/callcenter.xsd" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "port=\"5060\" certificate", "same TCP port", "tcp:0.0.0.0:5060", "change the port");
    }

    [Test]
    public void UdpAndTcpMayShareAPortAndSoMayDifferentAddressFamilies()
    {
        var xml = MainWith("""
                <listener transport="udp" address="0.0.0.0" port="5060" />
                <listener transport="tcp" address="0.0.0.0" port="5060" />
                <listener transport="tcp" address="::" port="5060" />
                <listener transport="tcp" address="::1" port="5062" />
                <listener transport="tcp" address="127.0.0.1" port="5062" />
            """);
        using var config = ConfigSamples.Folder(main: xml);

        Assert.That(ConfigurationLoader.Load(config.Folder).Errors, Is.Empty);
    }

    [Test]
    public void ATlsListenerNeedsACertificate()
    {
        var xml = MainWith("""
                <listener transport="tls" port="5061" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "listener transport=\"tls\"", "no certificate", "add certificate=");
    }

    [Test]
    public void ATlsCertificateMustExist()
    {
        var xml = MainWith("""
                <listener transport="tls" port="5061" certificate="certs/missing.pfx" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "certificate=", "missing.pfx", "does not exist");
    }

    [Test]
    public void ATlsPrivateKeyMustExist()
    {
        var xml = MainWith("""
                <listener transport="tls" port="5061" certificate="schema/callcenter.xsd" privateKey="certs/key.pem" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "privateKey=", "key.pem", "does not exist");
    }

    [Test]
    public void ACertificateOnAPlainListenerIsRefused()
    {
        var xml = MainWith("""
                <listener transport="tcp" port="5060" certificate="schema/callcenter.xsd" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "certificate=", "only applies to transport=\"tls\"");
    }

    [Test]
    public void TimerT1MayNotExceedT2()
    {
        var xml = MainWith("""
                <listener transport="udp" />
                <timers t1Ms="5000" t2Ms="4000" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "t1Ms=", "t1Ms (5000)", "t2Ms (4000)", "lower t1Ms or raise t2Ms");
    }

    [Test]
    public void MinExpiresMayNotExceedDefaultExpires()
    {
        var xml = MainWith("""
                <listener transport="udp" />
                <registrar minExpires="600" defaultExpires="300" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "minExpires=", "minExpires (600)", "defaultExpires (300)");
    }

    [Test]
    public void DefaultExpiresMayNotExceedMaxExpiresEvenWhenDefaulted()
    {
        // defaultExpires is not written, so the error sits on <registrar>, where it has to be added.
        var xml = MainWith("""
                <listener transport="udp" />
                <registrar maxExpires="1800" />
            """);

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "registrar", "defaultExpires (3600)", "maxExpires (1800)");
    }

    [Test]
    public void RtpPortMinMustBeEven()
    {
        var xml = MainWith("""    <listener transport="udp" />""", """  <rtp portMin="20001" portMax="30000" />""");

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "portMin=", "must be even", "20000 or 20002");
    }

    [TestCase(30000, 20000)]
    [TestCase(20000, 20000)]
    public void RtpRangeMustHoldAPortPair(int min, int max)
    {
        var xml = MainWith("""    <listener transport="udp" />""", $"""  <rtp portMin="{min}" portMax="{max}" />""");

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "portMax=", "must be greater than portMin");
    }

    [Test]
    public void RtpRangeMayNotCoverAUdpListener()
    {
        var xml = MainWith("""    <listener transport="udp" port="20100" />""", """  <rtp portMin="20000" portMax="20200" />""");

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "port=\"20100\"", "inside the RTP range 20000-20200");
    }

    [Test]
    public void WebPortMayNotBeASipStreamPort()
    {
        var xml = MainWith("""    <listener transport="tcp" address="0.0.0.0" port="8080" />""", """  <web address="127.0.0.1" port="8080" />""");

        var webPort = Support.TextPosition.Of(xml, " port=", occurrence: 2);

        var error = MainError(xml);

        Assert.That((error.Line, error.Column), Is.EqualTo((webPort.Line, webPort.Column + 1)));
        Assert.That(error.Message, Does.Contain("web console's TCP port 8080").And.Contain("tcp:0.0.0.0:8080").And.Contain("change one of them"));
    }

    [Test]
    public void WebPortMayEqualAUdpListenerPort()
    {
        var xml = MainWith("""    <listener transport="udp" port="8080" />""", """  <web port="8080" />""");
        using var config = ConfigSamples.Folder(main: xml);

        Assert.That(ConfigurationLoader.Load(config.Folder).Errors, Is.Empty);
    }

    [Test]
    public void DuplicateExtensionsPointAtTheSecondAndNameTheFirst()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" />
              <user extension="1001" password="b" />
              <user extension="1000" password="c" />
            </extensions>
            """;

        var error = ExtensionsError(xml);

        ConfigSamples.AssertAt(error, Extensions, xml, "extension=\"1000\" password=\"c\"", "Extension 1000 is already used", "line 2, column 4");
    }

    [Test]
    public void DuplicateAgentIdsAreRefused()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" />
              <agent id="alice" pin="1234" />
              <agent id="alice" pin="5678" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, "id=\"alice\" pin=\"5678\"", "Agent id 'alice' is already used", "line 3, column 4");
    }

    [Test]
    public void AnAgentExtensionMustBeAUser()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" />
              <agent id="alice" pin="1234" extension="1009" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, "extension=\"1009\"", "no <user> has that extension",
            "add <user extension=\"1009\"");
    }

    [Test]
    public void AForwardTargetMustBeAUser()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" />
              <user extension="1001" password="b" forwardBusy="1000" forwardNoAnswer="1009" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, "forwardNoAnswer=\"1009\"", "User 1001 forwards to 1009 (forwardNoAnswer)",
            "no <user> has that extension", "correct forwardNoAnswer");
    }

    [Test]
    public void AUserCannotForwardToItself()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" forwardAlways="1000" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, "forwardAlways=", "forwards to itself", "give another extension or remove forwardAlways");
    }

    [Test]
    public void ForwardsThatLoopAcrossUsersAreLegalAndTheFeaturesAreRead()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" dnd="true" forwardBusy="1001" noAnswerTimeout="12" />
              <user extension="1001" password="b" forwardAlways="1000" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: xml);

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty);
        var alice = result.Options!.Extensions.FindUser("1000")!;
        Assert.That((alice.DoNotDisturb, alice.ForwardBusy, alice.NoAnswerTimeout), Is.EqualTo((true, "1001", (TimeSpan?)TimeSpan.FromSeconds(12))));
        Assert.That(result.Options.Extensions.FindUser("1001")!.ForwardAlways, Is.EqualTo("1000"));
        Assert.That(result.Options.Extensions.FindUser("1001")!.NoAnswerTimeout, Is.Null);
    }

    [Test]
    public void TwoFeaturesCannotShareACode()
    {
        var xml = MainWith("""<listener transport="udp" port="5060" />""", """<features dndOn="*78" dndToggle="*78" />""");

        ConfigSamples.AssertAt(MainError(xml), Main, xml, "dndToggle=", "Feature code *78 of dndToggle is already the code of dndOn", "give one of them another code");
    }

    [Test]
    public void ACodeCannotBeginWithACodeThatAnExtensionFollows()
    {
        var xml = MainWith("""<listener transport="udp" port="5060" />""", """<features forwardAlwaysOn="*7" />""");
        using var config = ConfigSamples.Folder(main: xml);

        var errors = ConfigurationLoader.Load(config.Folder).Errors;

        // *78, *79, *76 and *73 all begin with *7; each error sits on the attribute the admin wrote.
        Assert.That(errors, Has.Length.EqualTo(4), string.Join('\n', errors));
        var dndOn = errors.Single(e => e.Message.Contains("*78 of dndOn", StringComparison.Ordinal));
        ConfigSamples.AssertAt(dndOn, Main, xml, "forwardAlwaysOn=", "*78 of dndOn begins with *7, the code of forwardAlwaysOn",
            "read as forwardAlwaysOn with 8");
    }

    [Test]
    public void FeatureCodesDefaultToFreePbxsAndMayBeChanged()
    {
        var xml = MainWith("""<listener transport="udp" port="5060" />""", """<features dndOn="#78" directedPickup="*88" />""");
        using var config = ConfigSamples.Folder(main: xml);

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty);
        var codes = result.Options!.Features;
        Assert.That((codes.DndOn, codes.DndOff, codes.ForwardAlwaysOn, codes.Pickup, codes.DirectedPickup), Is.EqualTo(("#78", "*79", "*72", "*8", "*88")));
    }

    [Test]
    public void AUserNeedsACredential()
    {
        const string xml = """
            <extensions>
              <user extension="1000" name="Alice" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, "user", "no credential", "add password=\"...\" or ha1=\"...\"");
    }

    [TestCase("ha1", 32)]
    [TestCase("ha1Sha256", 64)]
    public void APasswordAndAnHa1TogetherAreRefused(string attribute, int length)
    {
        var xml = $"""
            <extensions>
              <user extension="1000" password="pw" {attribute}="{new string('a', length)}" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, attribute + "=", $"both password and {attribute}", "keep one form");
    }

    [TestCase("ha1", "0123456789abcdef0123456789abcde", "32 hexadecimal digits", "it has 31 characters")]
    [TestCase("ha1", "0123456789abcdef0123456789abcdeg", "MD5", "'g' is not a hexadecimal digit")]
    [TestCase("ha1Sha256", "0123456789abcdef0123456789abcdef", "64 hexadecimal digits", "it has 32 characters")]
    [TestCase("ha1", "", "MD5", "it has 0 characters")]
    public void Ha1MustBeHexOfTheAlgorithmsLength(string attribute, string value, string rule, string problem)
    {
        var xml = $"""
            <extensions>
              <user extension="1000" {attribute}="{value}" />
            </extensions>
            """;

        ConfigSamples.AssertAt(ExtensionsError(xml), Extensions, xml, attribute + "=", rule, problem, "1000:r:password");
    }

    [Test]
    public void SemanticErrorsOfBothFilesAreCollectedTogether()
    {
        var main = MainWith("""    <listener transport="udp" />""", """  <rtp portMin="20001" portMax="20000" />""");
        const string extensions = """
            <extensions>
              <user extension="1000" />
              <agent id="a" pin="1234" extension="1001" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(main, extensions);

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors.Select(e => $"{e.File}:{e.Line}:{e.Column}"), Is.EquivalentTo(new[]
        {
            Located(Main, main, "portMin="),
            Located(Main, main, "portMax="),
            Located(Extensions, extensions, "user"),
            Located(Extensions, extensions, "extension=\"1001\""),
        }));
    }

    private static string Located(string file, string text, string marker)
    {
        var (line, column) = Support.TextPosition.Of(text, marker);
        return $"{file}:{line}:{column}";
    }
}
