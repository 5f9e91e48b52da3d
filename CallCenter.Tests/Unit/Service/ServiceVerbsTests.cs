using System.Collections.Immutable;
using CallCenter.Server.Service;

namespace CallCenter.Tests.Unit.Service;

public sealed class ServiceVerbsTests
{
    [TestCase("install")]
    [TestCase("UNINSTALL")]
    [TestCase("start")]
    [TestCase("stop")]
    [TestCase("Status")]
    public void EachVerbReachesItsManagerMethod(string verb)
    {
        var manager = new RecordingManager();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ServiceVerbs.Run(verb, ServiceTestSettings.Linux(), manager, output, error);

        Assert.That(exit, Is.EqualTo(17));
        Assert.That(manager.Calls, Is.EqualTo(new[] { verb.ToLowerInvariant() }));
        Assert.That(ServiceVerbs.IsServiceVerb(verb), Is.True);
    }

    [Test]
    public void AnUnknownVerbIsAUsageError()
    {
        var manager = new RecordingManager();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ServiceVerbs.Run("restart", ServiceTestSettings.Linux(), manager, output, error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Usage));
        Assert.That(manager.Calls, Is.Empty);
        Assert.That(error.ToString(), Does.Contain("Unknown service verb 'restart'; expected one of: install, uninstall, start, stop, status."));
        Assert.That(ServiceVerbs.IsServiceVerb("run"), Is.False);
    }

    [Test]
    public void AFileSystemFailureBecomesOneClearLine()
    {
        var manager = new RecordingManager { Throw = new UnauthorizedAccessException("Access to the path '/etc/systemd/system/callcenter.service' is denied.") };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ServiceVerbs.Run("install", ServiceTestSettings.Linux(), manager, output, error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Failed));
        Assert.That(error.ToString().Trim(), Is.EqualTo("'install' failed: Access to the path '/etc/systemd/system/callcenter.service' is denied."));
    }

    [Test]
    [Platform("Linux")]
    public void OnThisMachineStatusUsesTheRealLinuxManager()
    {
        // No unit named like this exists, so the real manager answers "not installed" without running systemctl.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var settings = ServiceTestSettings.Linux() with { ServiceName = $"cc-test-{Guid.NewGuid():N}" };

        var exit = ServiceVerbs.Run("status", settings, output, error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.NotInstalled));
        Assert.That(error.ToString(), Does.Contain($"'{settings.ServiceName}' is not installed (no /etc/systemd/system/{settings.ServiceName}.service)"));
    }

    [Test]
    public void TheCommandIsTheDotnetHostAndAssemblyOrTheAppHost()
    {
        Assert.That(ServiceInstallSettings.BuildCommand("/usr/bin/dotnet", "/opt/cc/CallCenter.Server.dll", "/opt/cc/config"),
            Is.EqualTo(new[] { "/usr/bin/dotnet", "/opt/cc/CallCenter.Server.dll", "run", "--config", "/opt/cc/config" }));
        Assert.That(ServiceInstallSettings.BuildCommand("/opt/cc/CallCenter.Server", "/opt/cc/CallCenter.Server.dll", "/opt/cc/config"),
            Is.EqualTo(new[] { "/opt/cc/CallCenter.Server", "run", "--config", "/opt/cc/config" }));
        Assert.That(() => ServiceInstallSettings.BuildCommand("/usr/bin/dotnet", null, "/opt/cc/config"), Throws.InvalidOperationException);
    }

    [Test]
    public void SettingsForThisProcessAreAbsoluteAndRunTheRunningExecutable()
    {
        var settings = ServiceInstallSettings.ForCurrentProcess("config", "data", "logs", "data/recordings", TimeSpan.FromSeconds(12));

        Assert.That(settings.Command[0], Is.EqualTo(Environment.ProcessPath));
        Assert.That(settings.Command[^3..], Is.EqualTo(new[] { "run", "--config", Path.GetFullPath("config") }));
        Assert.That(settings.DataFolder, Is.EqualTo(Path.GetFullPath("data")));
        Assert.That(settings.WritableFolders, Is.EqualTo(new[] { Path.GetFullPath("data"), Path.GetFullPath("logs") }));
        Assert.That(settings.StopTimeout, Is.EqualTo(TimeSpan.FromSeconds(27)));
        Assert.That(SystemdUnit.Validate(settings), Is.Empty);
    }

    private sealed class RecordingManager : IServiceManager
    {
        public List<string> Calls { get; } = [];

        public Exception? Throw { get; init; }

        public int Install(ServiceInstallSettings settings, TextWriter output, TextWriter error) => Record("install");

        public int Uninstall(ServiceInstallSettings settings, TextWriter output, TextWriter error) => Record("uninstall");

        public int Start(ServiceInstallSettings settings, TextWriter output, TextWriter error) => Record("start");

        public int Stop(ServiceInstallSettings settings, TextWriter output, TextWriter error) => Record("stop");

        public int Status(ServiceInstallSettings settings, TextWriter output, TextWriter error) => Record("status");

        private int Record(string verb)
        {
            if (Throw is not null)
            {
                throw Throw;
            }

            Calls.Add(verb);
            return 17;
        }
    }
}
