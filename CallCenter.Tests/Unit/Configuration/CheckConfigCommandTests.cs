using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Configuration;

public sealed class CheckConfigCommandTests
{
    [Test]
    public void AValidConfigurationPrintsASummaryAndExitsZero()
    {
        using var config = TempConfig.Create(sipPort: 25060, webPort: 28080, node: "checked");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = CheckConfigCommand.Run(config.Folder, output, error);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(error.ToString(), Is.Empty);
        Assert.That(output.ToString(), Does.Contain("is valid")
            .And.Contain("node:      checked")
            .And.Contain("listener:  udp:127.0.0.1:25060")
            .And.Contain("listener:  tcp:127.0.0.1:25060")
            .And.Contain("web:       127.0.0.1:28080")
            .And.Contain($"users:     {TempConfig.Extensions.Count}")
            .And.Contain("agents:    2"));
    }

    [Test]
    public void EveryErrorIsPrintedLocatedWithACountAndExitOne()
    {
        const string extensions = """
            <extensions>
              <user extension="1000" />
              <agent id="a" pin="1234" extension="1001" />
            </extensions>
            """;
        using var config = ConfigSamples.Folder(extensions: extensions);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = CheckConfigCommand.Run(config.Folder, output, error);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(output.ToString(), Is.Empty);
        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("extensions.xml:2:4: User 1000 has no credential"));
        Assert.That(lines[1], Does.StartWith("extensions.xml:3:28: Agent 'a' sits at extension 1001"));
        Assert.That(lines[2], Does.StartWith("2 errors in "));
    }

    [Test]
    public void AMissingFolderExitsTwo()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cc-no-such-" + Guid.NewGuid().ToString("N"));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = CheckConfigCommand.Run(folder, output, error);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain(folder).And.Contain("does not exist"));
    }

    [Test]
    public void TheShippedConfigurationPasses()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.That(CheckConfigCommand.Run(TempConfig.ShippedFolder, output, error), Is.EqualTo(0), error.ToString);
    }
}
