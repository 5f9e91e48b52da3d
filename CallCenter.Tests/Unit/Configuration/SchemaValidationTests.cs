using CallCenter.Server.Configuration;

namespace CallCenter.Tests.Unit.Configuration;

/// <summary>Structure errors come from the XSD, at the validator's position, with a rewritten message.</summary>
public sealed class SchemaValidationTests
{
    private const string Main = "callcenter.xml";
    private const string Extensions = "extensions.xml";

    [Test]
    public void AValueOutsideItsRangeNamesTheRange()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" port="70000" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        var error = ConfigSamples.SingleError(config);

        // Literal numbers once, so that TextPosition itself is not the only witness.
        Assert.That((error.Line, error.Column), Is.EqualTo((3, 31)));
        ConfigSamples.AssertAt(error, Main, xml, "port=\"70000\"", "'port' on <listener>", "'70000'", "from 1 to 65535");
    }

    [Test]
    public void AnUnknownEnumerationValueListsTheAllowedOnes()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="sctp" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "transport=", "'sctp'", "one of udp, tcp, tls");
    }

    [Test]
    public void AFeatureCodeMustStartWithAStarOrHash()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
              </sip>
              <features dndOn="78" />
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "dndOn=", "'dndOn' on <features>", "'78'", "'*' or '#' followed by");
    }

    [Test]
    public void AUsersRingTimeMustBeFrom1To600Seconds()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="a" noAnswerTimeout="0" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Extensions, xml, "noAnswerTimeout=", "'noAnswerTimeout' on <user>", "1 to 600 seconds");
    }

    [TestCase("SHA-256 MD5", new[] { "SHA-256", "MD5" })]
    [TestCase("MD5", new[] { "MD5" })]
    public void DigestAlgorithmsAreReadInOrderOfPreference(string value, string[] expected)
    {
        var xml = $"""
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
                <security digestAlgorithms="{value}" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        var options = ConfigurationLoader.Load(config.Folder).Options!;

        Assert.That(options.Sip.Security.DigestAlgorithms, Is.EqualTo(expected));
    }

    [Test]
    public void AnUnknownDigestAlgorithmListsTheAllowedOnes()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
                <security digestAlgorithms="SHA-512" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "digestAlgorithms=", "'SHA-512'", "SHA-256 MD5");
    }

    [Test]
    public void APatternViolationUsesTheSchemaDocumentation()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="pw" />
              <agent id="a" pin="12" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Extensions, xml, "pin=", "'pin' on <agent>", "4 to 12 digits");
    }

    [TestCase("+1000")]
    [TestCase("1")]
    [TestCase("1234567890123456")]
    [TestCase("10a0")]
    public void ExtensionsAreTwoToFifteenDigits(string extension)
    {
        var xml = $"""
            <extensions>
              <user extension="{extension}" password="pw" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Extensions, xml, "extension=", "2 to 15 digits");
    }

    [Test]
    public void TextWhereANumberBelongsIsRefused()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
                <timers t1Ms="fast" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "t1Ms=", "'t1Ms' on <timers>", "'fast'", "a whole number from 50 to 10000");
    }

    [Test]
    public void AnUnknownAttributeIsRejectedWithTheAllowedList()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" prot="5060" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "prot=", "no attribute 'prot'", "transport, address, port");
    }

    [Test]
    public void AMissingRequiredAttributeIsReportedOnItsElement()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener port="5060" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "listener port", "<listener> needs the attribute 'transport'",
            "add transport=\"...\"", "one of udp, tcp, tls");
    }

    [Test]
    public void AnUnknownElementIsRejected()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
                <timer t1Ms="500" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "timer t1Ms", "<timer> is not allowed", "timers");
    }

    [Test]
    public void ASectionGivenTwiceIsRejectedAtTheSecond()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
              </sip>
              <web port="8080" />
              <web port="8081" />
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "web port=\"8081\"", "<web> may appear only once");
    }

    [Test]
    public void AMissingRequiredSectionIsReported()
    {
        const string xml = """
            <callcenter node="t">
              <web port="8080" />
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "callcenter>", "<callcenter> is incomplete", "add <sip>");
    }

    [Test]
    public void TextInsideAnElementIsRejected()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp">5060</listener>
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "5060<", "<listener> cannot contain text");
    }

    [Test]
    public void TheWrongRootElementIsNamed()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="pw" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), Main, xml, "extensions>", "root element must be <callcenter>", "not <extensions>");
    }

    [Test]
    public void EverySchemaErrorOfAFileIsReported()
    {
        const string xml = """
            <callcenter node="t" nodes="2">
              <sip realm="r" domain="d.test">
                <listener transport="udp" port="0" />
                <listener transport="tcp" port="-1" />
              </sip>
              <rtp portMin="80" />
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        var result = ConfigurationLoader.Load(config.Folder);

        var positions = new[] { "nodes=", "port=\"0\"", "port=\"-1\"", "portMin=" }
            .Select(marker => Support.TextPosition.Of(xml, marker));
        Assert.That(result.Errors.Select(e => (e.Line, e.Column)), Is.EquivalentTo(positions), () => string.Join("\n", result.Errors));
    }

    [Test]
    public void TheShippedSchemaLocationHintIsAccepted()
    {
        const string xml = """
            <callcenter node="t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="schema/callcenter.xsd">
              <sip realm="r" domain="d.test">
                <listener transport="udp" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        Assert.That(ConfigurationLoader.Load(config.Folder).Errors, Is.Empty);
    }
}
