using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Configuration;

public sealed class ConfigurationLoaderTests
{
    [Test]
    public void TheShippedConfigurationLoadsWithItsDocumentedValues()
    {
        var result = ConfigurationLoader.Load(TempConfig.ShippedFolder);
        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        var options = result.Options!;

        Assert.Multiple(() =>
        {
            Assert.That(options.Generation, Is.EqualTo(1));
            Assert.That(options.Node.Name, Is.EqualTo("cc1"));
            Assert.That(options.Sip.Realm, Is.EqualTo("callcenter"));
            Assert.That(options.Sip.Domain, Is.EqualTo("callcenter.local"));
            Assert.That(options.Sip.Listeners.Select(l => l.ToString()),
                Is.EqualTo(new[] { "udp:0.0.0.0:5060", "tcp:0.0.0.0:5060", "udp:::1:5060", "tcp:::1:5060" }));
            Assert.That(options.Sip.Timers.T1, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(options.Sip.Timers.T2, Is.EqualTo(TimeSpan.FromSeconds(4)));
            Assert.That(options.Sip.Registrar.MinExpires, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(options.Sip.Limits.MaxMessageBytes, Is.EqualTo(65_535));
            Assert.That(options.Sip.Security.BanTime, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(options.Rtp.PortMin, Is.EqualTo(20_000));
            Assert.That(options.Rtp.PortMax, Is.EqualTo(30_000));
            Assert.That(options.Calls.ShedAfter, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(options.Calls.ShedBacklog, Is.EqualTo(32));
            Assert.That(options.Calls.Tones, Is.EqualTo(CallCenter.Media.Tones.ToneRegion.Europe));
            Assert.That(options.Web.Address, Is.EqualTo(IPAddress.Loopback));
            Assert.That(options.Web.Port, Is.EqualTo(8080));
            Assert.That(options.Logging.Level, Is.EqualTo(LogLevelSetting.Information));
            Assert.That(options.Logging.Overrides, Has.Length.EqualTo(2));
            Assert.That(options.Shutdown.DrainTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.Extensions.Users.Select(u => u.Extension), Is.EqualTo(new[] { "1000", "1001", "1002", "2000" }));
            Assert.That(options.Extensions.Users[0].MaxContacts, Is.EqualTo(3));
            Assert.That(options.Extensions.Agents.Select(a => a.DefaultExtension), Is.EqualTo(new[] { "1000", "1001" }));
        });
    }

    [TestCase("shedAfter=\"0\"", 0, 32)]
    [TestCase("shedAfter=\"2000\" shedBacklog=\"500\"", 2000, 500)]
    [TestCase("", 500, 32)]
    public void OverloadSheddingIsReadFromCalls(string attributes, int shedAfterMs, int shedBacklog)
    {
        using var config = ConfigSamples.Folder(main: $"""<callcenter node="t"><sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip><calls {attributes} /></callcenter>""");

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        Assert.That(result.Options!.Calls.ShedAfter, Is.EqualTo(TimeSpan.FromMilliseconds(shedAfterMs)));
        Assert.That(result.Options.Calls.ShedBacklog, Is.EqualTo(shedBacklog));
    }

    [TestCase("north-america", CallCenter.Media.Tones.ToneRegion.NorthAmerica)]
    [TestCase("china", CallCenter.Media.Tones.ToneRegion.China)]
    public void TheToneRegionIsReadFromCalls(string text, CallCenter.Media.Tones.ToneRegion expected)
    {
        using var config = ConfigSamples.Folder(main: $"""<callcenter node="t"><sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip><calls tones="{text}" /></callcenter>""");

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        Assert.That(result.Options!.Calls.Tones, Is.EqualTo(expected));
    }

    [Test]
    public void AnUnknownToneRegionIsRefusedWithTheKnownOnes()
    {
        using var config = ConfigSamples.Folder(main: """<callcenter node="t"><sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip><calls tones="uk" /></callcenter>""");

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Options, Is.Null);
        Assert.That(string.Join("\n", result.Errors), Does.Contain("tones").And.Contain("north-america"));
    }

    [Test]
    public void ANegativeShedAfterIsRefusedWithItsRange()
    {
        using var config = ConfigSamples.Folder(main: """<callcenter node="t"><sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip><calls shedAfter="-5" /></callcenter>""");

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Options, Is.Null);
        Assert.That(string.Join("\n", result.Errors), Does.Contain("shedAfter"));
    }

    [Test]
    public void RelativeFoldersResolveAgainstTheFolderAboveConfigAndCertificatesAgainstConfig()
    {
        using var config = ConfigSamples.Folder(main: """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="tls" address="127.0.0.1" port="5061" certificate="certs/server.pfx" />
              </sip>
              <storage dataFolder="var/data" recordingsFolder="var/rec" />
              <logging folder="var/logs" />
            </callcenter>
            """);
        config.Write("certs/server.pfx", "not parsed at load time");

        var options = ConfigurationLoader.Load(config.Folder).Options!;

        Assert.Multiple(() =>
        {
            Assert.That(options.Storage.DataFolder, Is.EqualTo(Path.Combine(config.Root, "var", "data")));
            Assert.That(options.Storage.RecordingsFolder, Is.EqualTo(Path.Combine(config.Root, "var", "rec")));
            Assert.That(options.Storage.DatabasePath, Is.EqualTo(Path.Combine(config.Root, "var", "data", "callcenter.db")));
            Assert.That(options.Logging.Folder, Is.EqualTo(Path.Combine(config.Root, "var", "logs")));
            Assert.That(options.Sip.Listeners[0].CertificatePath, Is.EqualTo(Path.Combine(config.Folder, "certs", "server.pfx")));
        });
    }

    [Test]
    public void TheQueueLogCanBeRenamedOrSwitchedOff()
    {
        using var renamed = ConfigSamples.Folder(main: """
            <callcenter node="t">
              <sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip>
              <storage dataFolder="var/data" queueLogFile="queue_log.acd" />
            </callcenter>
            """);
        using var off = ConfigSamples.Folder(main: """
            <callcenter node="t">
              <sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip>
              <storage queueLog="false" />
            </callcenter>
            """);
        using var folder = ConfigSamples.Folder(main: """
            <callcenter node="t">
              <sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip>
              <storage queueLogFile="logs/queue_log" />
            </callcenter>
            """);

        var options = ConfigurationLoader.Load(renamed.Folder).Options!;
        Assert.That(options.Storage.QueueLogPath, Is.EqualTo(Path.Combine(renamed.Root, "var", "data", "queue_log.acd")));
        Assert.That(ConfigurationLoader.Load(off.Folder).Options!.Storage.QueueLog, Is.False);
        Assert.That(ConfigurationLoader.Load(folder.Folder).Errors, Is.Not.Empty, "a file name, not a path: it lives in the data folder");

        using var clash = ConfigSamples.Folder(main: """
            <callcenter node="t">
              <sip realm="r" domain="d.test"><listener transport="udp" address="127.0.0.1" port="5060" /></sip>
              <storage databaseFile="cc.db" queueLogFile="cc.db-wal" />
            </callcenter>
            """);
        Assert.That(ConfigurationLoader.Load(clash.Folder).Errors.Select(e => e.Message), Has.One.Contains("is the database or one of its files"));
    }

    [Test]
    public void OmittedSectionsTakeTheirDefaults()
    {
        using var config = ConfigSamples.Folder();
        var options = ConfigurationLoader.Load(config.Folder, generation: 7).Options!;

        Assert.Multiple(() =>
        {
            Assert.That(options.Generation, Is.EqualTo(7));
            Assert.That(options.Rtp, Is.EqualTo(new RtpOptions()));
            Assert.That(options.Web, Is.EqualTo(new WebOptions()));
            Assert.That(options.Storage.DataFolder, Is.EqualTo(Path.Combine(config.Root, "data")));
            Assert.That(options.Storage.RecordingsFolder, Is.EqualTo(Path.Combine(config.Root, "data", "recordings")));
            Assert.That(options.Storage.QueueLog, Is.True, "Asterisk's queue_log is written unless switched off");
            Assert.That(options.Storage.QueueLogPath, Is.EqualTo(Path.Combine(config.Root, "data", "queue_log")));
            Assert.That(options.Sip.Listeners[0].Port, Is.EqualTo(5060));
            Assert.That(options.Extensions.Users[0].Credential.Password, Is.EqualTo("pw"));
        });
    }

    [Test]
    public void Ha1DigestsAreAcceptedInsteadOfAPassword()
    {
        var md5 = Convert.ToHexString(System.Security.Cryptography.MD5.HashData("1000:r:pw"u8));
        var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("1000:r:pw"u8));
        using var config = ConfigSamples.Folder(extensions: $"""
            <extensions>
              <user extension="1000" ha1="{md5}" ha1Sha256="{sha256}" />
              <user extension="1001" ha1="{md5}" />
            </extensions>
            """);

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        var credential = result.Options!.Extensions.Users[0].Credential;
        Assert.Multiple(() =>
        {
            Assert.That(credential.Password, Is.Null);
            Assert.That(credential.Ha1Md5, Is.EqualTo(md5.ToLowerInvariant()));
            Assert.That(credential.Ha1Sha256, Is.EqualTo(sha256.ToLowerInvariant()));
            Assert.That(credential.ToString(), Does.Not.Contain(md5.ToLowerInvariant()));
        });
    }

    [Test]
    public void AMissingFolderIsOneErrorNamingIt()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cc-no-such-" + Guid.NewGuid().ToString("N"));
        var result = ConfigurationLoader.Load(folder);

        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Errors, Has.Length.EqualTo(1));
        Assert.That(result.Errors[0].Message, Does.Contain(folder).And.Contain("does not exist"));
    }

    [Test]
    public void AMissingFileIsReportedWithItsExpectedPath()
    {
        using var config = TempConfig.WithSchemas().Write(ConfigurationLoader.MainFile, ConfigSamples.Main);

        var error = ConfigSamples.SingleError(config);

        Assert.That(error.File, Is.EqualTo("extensions.xml"));
        Assert.That((error.Line, error.Column), Is.EqualTo((0, 0)));
        Assert.That(error.Message, Does.Contain(config.Path("extensions.xml")).And.Contain("missing"));
        Assert.That(error.ToString(), Does.StartWith("extensions.xml: "));
    }

    [Test]
    public void AMissingSchemaIsAnErrorNamingItsPath()
    {
        using var config = ConfigSamples.Folder();
        File.Delete(config.Path("schema/extensions.xsd"));

        var error = ConfigSamples.SingleError(config);

        Assert.That(error.File, Is.EqualTo("schema/extensions.xsd"));
        Assert.That(error.Message, Does.Contain(Path.Combine(config.Folder, "schema", "extensions.xsd")));
    }

    [Test]
    public void NotWellFormedXmlIsLocated()
    {
        const string main = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" port="5060">
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: main);

        var error = ConfigSamples.SingleError(config);

        Assert.That(error.File, Is.EqualTo("callcenter.xml"));
        Assert.That(error.Line, Is.EqualTo(4));
        Assert.That(error.Message, Does.StartWith("Not well-formed XML").And.Contain("listener"));
    }

    [Test]
    public void ErrorsOfBothFilesAreReportedInOneRun()
    {
        using var config = ConfigSamples.Folder(
            main: ConfigSamples.Main.Replace("port=\"5060\"", "port=\"0\""),
            extensions: ConfigSamples.Extensions.Replace("1000", "1"));

        var result = ConfigurationLoader.Load(config.Folder);

        Assert.That(result.Errors.Select(e => e.File), Is.EquivalentTo(new[] { "callcenter.xml", "extensions.xml" }));
    }

    [Test]
    public void AnAddressThatFitsTheSchemaButDoesNotParseIsLocated()
    {
        const string xml = """
            <callcenter node="t">
              <sip realm="r" domain="d.test">
                <listener transport="udp" address="300.1.1.1" />
              </sip>
            </callcenter>
            """;
        using var config = ConfigSamples.Folder(main: xml);

        ConfigSamples.AssertAt(ConfigSamples.SingleError(config), "callcenter.xml", xml, "address=", "'300.1.1.1'", "IPv4 or IPv6 address");
    }

    [Test]
    public void ARejectedPasswordIsNotQuotedInTheMessage()
    {
        const string xml = """
            <extensions>
              <user extension="1000" password="top&#10;secret" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: xml);

        var error = ConfigSamples.SingleError(config);

        ConfigSamples.AssertAt(error, "extensions.xml", xml, "password=", "'password' on <user> is '***'", "on one line");
        Assert.That(error.Message, Does.Not.Contain("secret"));
    }
}
