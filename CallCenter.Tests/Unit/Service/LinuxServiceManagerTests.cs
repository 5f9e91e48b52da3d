using System.Runtime.Versioning;
using CallCenter.Server.Service;

namespace CallCenter.Tests.Unit.Service;

// systemd and install(1) are Linux things; the unit file mode is a Unix one.
[Platform("Linux")]
[UnsupportedOSPlatform("windows")]
public sealed class LinuxServiceManagerTests
{
    private string _unitDirectory = null!;
    private FakeCommandRunner _runner = null!;
    private StringWriter _output = null!;
    private StringWriter _error = null!;

    [SetUp]
    public void SetUp()
    {
        _unitDirectory = Directory.CreateTempSubdirectory("cc-units-").FullName;
        _runner = new FakeCommandRunner();
        _output = new StringWriter();
        _error = new StringWriter();
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_unitDirectory, recursive: true);
        _output.Dispose();
        _error.Dispose();
    }

    private string UnitPath => Path.Combine(_unitDirectory, "callcenter.service");

    [Test]
    public void InstallCreatesTheUserAndFoldersWritesTheUnitAndEnablesIt()
    {
        _runner.Answer("getent | passwd | callcenter", 2);

        var exit = Manager(root: true, systemd: true).Install(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Success), _error.ToString());
        Assert.That(_runner.Commands, Is.EqualTo(new[]
        {
            "getent | passwd | callcenter",
            "useradd | --system | --no-create-home | --home-dir | /var/lib/callcenter | --shell | /usr/sbin/nologin | --user-group | --comment | CallCenter service | callcenter",
            "install | -d | -m | 0750 | -o | callcenter | -g | callcenter | /var/lib/callcenter",
            "install | -d | -m | 0750 | -o | callcenter | -g | callcenter | /var/log/callcenter",
            "systemctl | daemon-reload",
            "systemctl | enable | callcenter",
        }));
        Assert.That(File.ReadAllText(UnitPath), Is.EqualTo(SystemdUnit.Render(ServiceTestSettings.Linux())));
        Assert.That(File.GetUnixFileMode(UnitPath), Is.EqualTo(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
        Assert.That(_output.ToString(), Does.Contain("$ systemctl enable callcenter"));
        Assert.That(_output.ToString(), Does.Contain("Installed and enabled 'callcenter'"));
        Assert.That(File.Exists(UnitPath + ".tmp"), Is.False);
    }

    [Test]
    public void InstallKeepsAnExistingUserAndUsesItsPrimaryGroup()
    {
        _runner.Answer("getent | passwd | callcenter", 0, "callcenter:x:998:997::/nonexistent:/usr/sbin/nologin\n")
            .Answer("id | -gn | callcenter", 0, "pbx\n");

        var exit = Manager(root: true, systemd: true).Install(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Success), _error.ToString());
        Assert.That(_runner.Commands, Has.None.StartsWith("useradd"));
        Assert.That(_runner.Commands, Does.Contain("install | -d | -m | 0750 | -o | callcenter | -g | pbx | /var/lib/callcenter"));
        Assert.That(File.ReadAllText(UnitPath).Split('\n'), Does.Contain("Group=pbx"));
        Assert.That(_output.ToString(), Does.Contain("User 'callcenter' exists; kept as it is."));
    }

    [Test]
    public void InstallWithoutSystemdWritesTheUnitAndSaysItWasNotEnabled()
    {
        _runner.Answer("getent | passwd | callcenter", 2);

        var exit = Manager(root: true, systemd: false).Install(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Success));
        Assert.That(_runner.Commands, Has.None.StartsWith("systemctl"));
        Assert.That(File.Exists(UnitPath), Is.True);
        Assert.That(_output.ToString(), Does.Contain(
            $"systemd is not running on this machine (no /run/systemd/system): the unit was written to {UnitPath} but not enabled"));
    }

    [Test]
    public void InstallAsAnOrdinaryUserChangesNothing()
    {
        var exit = Manager(root: false, systemd: true).Install(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.NotPermitted));
        Assert.That(_runner.Commands, Is.Empty);
        Assert.That(File.Exists(UnitPath), Is.False);
        Assert.That(_error.ToString(), Does.Contain("'install' must run as root"));
        Assert.That(_error.ToString(), Does.Contain("sudo /usr/bin/dotnet /opt/callcenter/CallCenter.Server.dll install"));
    }

    [Test]
    public void InstallStopsAtTheFirstFailedCommandAndSaysWhy()
    {
        _runner.Answer("getent | passwd | callcenter", 2)
            .Answer("useradd | --system | --no-create-home | --home-dir | /var/lib/callcenter | --shell | /usr/sbin/nologin | --user-group | --comment | CallCenter service | callcenter",
                9, error: "useradd: group callcenter exists");

        var exit = Manager(root: true, systemd: true).Install(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Failed));
        Assert.That(_runner.Commands, Has.Count.EqualTo(2));
        Assert.That(File.Exists(UnitPath), Is.False);
        Assert.That(_error.ToString(), Does.Contain("exit code 9: useradd: group callcenter exists"));
    }

    [Test]
    public void InstallRefusesInvalidSettingsBeforeTouchingAnything()
    {
        var settings = ServiceTestSettings.Linux() with { LogFolder = "logs" };

        var exit = Manager(root: true, systemd: true).Install(settings, _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Failed));
        Assert.That(_runner.Commands, Is.Empty);
        Assert.That(_error.ToString(), Does.Contain("The log folder 'logs' must be an absolute path."));
    }

    [Test]
    public void UninstallStopsDisablesRemovesTheUnitAndKeepsTheData()
    {
        File.WriteAllText(UnitPath, "[Unit]\n");

        var exit = Manager(root: true, systemd: true).Uninstall(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Success), _error.ToString());
        Assert.That(_runner.Commands, Is.EqualTo(new[]
        {
            "systemctl | stop | callcenter",
            "systemctl | disable | callcenter",
            "systemctl | daemon-reload",
        }));
        Assert.That(File.Exists(UnitPath), Is.False);
        Assert.That(_output.ToString(), Does.Contain("Kept: data in /var/lib/callcenter, logs in /var/log/callcenter"));
    }

    [Test]
    public void UninstallOfAServiceThatIsNotInstalledDoesNothing()
    {
        var exit = Manager(root: true, systemd: true).Uninstall(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Success));
        Assert.That(_runner.Commands, Is.Empty);
        Assert.That(_output.ToString(), Does.Contain("'callcenter' is not installed"));
    }

    [Test]
    public void UninstallAsAnOrdinaryUserIsRefused()
    {
        File.WriteAllText(UnitPath, "[Unit]\n");

        var exit = Manager(root: false, systemd: true).Uninstall(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.NotPermitted));
        Assert.That(_runner.Commands, Is.Empty);
        Assert.That(File.Exists(UnitPath), Is.True);
    }

    [Test]
    public void StartAndStopGoThroughSystemctl()
    {
        File.WriteAllText(UnitPath, "[Unit]\n");
        var manager = Manager(root: true, systemd: true);

        Assert.That(manager.Start(ServiceTestSettings.Linux(), _output, _error), Is.EqualTo(ServiceExitCode.Success));
        Assert.That(manager.Stop(ServiceTestSettings.Linux(), _output, _error), Is.EqualTo(ServiceExitCode.Success));
        Assert.That(_runner.Commands, Is.EqualTo(new[] { "systemctl | start | callcenter", "systemctl | stop | callcenter" }));
    }

    [Test]
    public void AFailedStartPointsAtTheJournal()
    {
        File.WriteAllText(UnitPath, "[Unit]\n");
        _runner.Answer("systemctl | start | callcenter", 1, error: "Job for callcenter.service failed.");

        var exit = Manager(root: true, systemd: true).Start(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.Failed));
        Assert.That(_error.ToString(), Does.Contain("Job for callcenter.service failed."));
        Assert.That(_error.ToString(), Does.Contain("journalctl -u callcenter"));
    }

    [Test]
    public void StartOfAServiceThatIsNotInstalledRunsNothing()
    {
        var exit = Manager(root: true, systemd: true).Start(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(ServiceExitCode.NotInstalled));
        Assert.That(_runner.Commands, Is.Empty);
        Assert.That(_error.ToString(), Does.Contain("install it first"));
    }

    [TestCase(0, ServiceExitCode.Success)]
    [TestCase(3, ServiceExitCode.NotRunning)]
    [TestCase(4, ServiceExitCode.NotInstalled)]
    [TestCase(1, ServiceExitCode.Failed)]
    public void StatusPassesSystemctlThroughWithLsbExitCodes(int systemctlExit, int expected)
    {
        File.WriteAllText(UnitPath, "[Unit]\n");
        _runner.Answer("systemctl | status | callcenter | --no-pager", systemctlExit, "● callcenter.service - CallCenter PBX\n");

        var exit = Manager(root: false, systemd: true).Status(ServiceTestSettings.Linux(), _output, _error);

        Assert.That(exit, Is.EqualTo(expected));
        Assert.That(_output.ToString(), Does.Contain("● callcenter.service - CallCenter PBX"));
    }

    [Test]
    public void InstallThroughTheRealProcessRunnerTouchesOnlyTheGivenFolders()
    {
        // The end-to-end path with real getent, id and install(1): the current user is the service user (it
        // exists, so nothing is created) and every folder is under a temporary directory.
        var user = Environment.UserName;
        if (!System.Text.RegularExpressions.Regex.IsMatch(user, "^[a-z_][a-z0-9_-]{0,31}$"))
        {
            Assert.Ignore($"The current user name '{user}' is not a portable system user name.");
        }

        var root = Directory.CreateTempSubdirectory("cc-install-").FullName;
        try
        {
            var settings = ServiceTestSettings.Linux() with
            {
                ServiceUser = user,
                DataFolder = Path.Combine(root, "data"),
                LogFolder = Path.Combine(root, "log folder"),
            };
            var manager = new LinuxServiceManager(new ProcessCommandRunner(TimeSpan.FromSeconds(30)), new LinuxServiceEnvironment
            {
                UnitDirectory = _unitDirectory,
                IsPrivileged = () => true,
                IsSystemdRunning = () => false,
            });

            var exit = manager.Install(settings, _output, _error);

            Assert.That(exit, Is.EqualTo(ServiceExitCode.Success), _error.ToString());
            var fullAccessForOwnerReadForGroup = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
            Assert.That(File.GetUnixFileMode(settings.DataFolder), Is.EqualTo(fullAccessForOwnerReadForGroup));
            Assert.That(File.GetUnixFileMode(settings.LogFolder), Is.EqualTo(fullAccessForOwnerReadForGroup));
            var unit = File.ReadAllText(UnitPath).Split('\n');
            Assert.That(unit, Does.Contain($"User={user}"));
            Assert.That(unit, Does.Contain($"ReadWritePaths={settings.DataFolder} \"{settings.LogFolder}\""));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private LinuxServiceManager Manager(bool root, bool systemd) => new(_runner, new LinuxServiceEnvironment
    {
        UnitDirectory = _unitDirectory,
        IsPrivileged = () => root,
        IsSystemdRunning = () => systemd,
    });
}
