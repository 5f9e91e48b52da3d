using System.Collections.Immutable;
using CallCenter.Server.Service;

namespace CallCenter.Tests.Unit.Service;

public sealed class SystemdUnitTests
{
    [Test]
    public void RendersTheWholeUnit()
    {
        var expected = """
            # Written by 'CallCenter.Server install'. Running install again overwrites this file;
            # put local changes in a drop-in instead: systemctl edit callcenter
            [Unit]
            Description=CallCenter on-premise PBX and ACD server (SIP, RTP, web console)
            After=network-online.target
            Wants=network-online.target

            [Service]
            Type=notify
            NotifyAccess=main
            ExecStart=/usr/bin/dotnet /opt/callcenter/CallCenter.Server.dll run --config /opt/callcenter/config
            ExecReload=/bin/kill -HUP $MAINPID
            WorkingDirectory=/opt/callcenter
            User=callcenter
            Group=callcenter
            Restart=on-failure
            RestartSec=5
            RestartPreventExitStatus=78
            WatchdogSec=30
            TimeoutStopSec=45
            KillSignal=SIGTERM
            LimitNOFILE=65536
            AmbientCapabilities=CAP_NET_BIND_SERVICE
            CapabilityBoundingSet=CAP_NET_BIND_SERVICE
            NoNewPrivileges=true
            ProtectSystem=strict
            ProtectHome=true
            PrivateTmp=true
            ReadWritePaths=/var/lib/callcenter /var/log/callcenter
            ReadOnlyPaths=/opt/callcenter/config

            [Install]
            WantedBy=multi-user.target

            """.ReplaceLineEndings("\n");

        Assert.That(SystemdUnit.Render(ServiceTestSettings.Linux()), Is.EqualTo(expected));
    }

    [Test]
    public void StopTimeoutIsTheDrainPlusTheMargin()
    {
        var settings = ServiceTestSettings.Linux() with { DrainTimeout = TimeSpan.FromMinutes(2), StopMargin = TimeSpan.FromSeconds(20) };

        Assert.That(Lines(SystemdUnit.Render(settings)), Does.Contain("TimeoutStopSec=140"));
    }

    [Test]
    public void SubSecondTimesAreWrittenInMilliseconds()
    {
        var settings = ServiceTestSettings.Linux() with { DrainTimeout = TimeSpan.FromMilliseconds(2500), StopMargin = TimeSpan.Zero };

        Assert.That(Lines(SystemdUnit.Render(settings)), Does.Contain("TimeoutStopSec=2500ms"));
    }

    [Test]
    public void PathsWithSpacesAreQuotedWherePathsAreWords()
    {
        var settings = ServiceTestSettings.Linux() with
        {
            InstallDirectory = "/opt/call center",
            ConfigFolder = "/opt/call center/config",
            DataFolder = "/srv/cc data",
            Command = ["/opt/call center/CallCenter.Server", "run", "--config", "/opt/call center/config"],
        };

        var lines = Lines(SystemdUnit.Render(settings));

        Assert.That(lines, Does.Contain("ExecStart=\"/opt/call center/CallCenter.Server\" run --config \"/opt/call center/config\""));
        Assert.That(lines, Does.Contain("ReadWritePaths=\"/srv/cc data\" /var/log/callcenter"));
        Assert.That(lines, Does.Contain("ReadOnlyPaths=\"/opt/call center/config\""));

        // WorkingDirectory= takes the rest of the line as one path; quotes there would become part of it.
        Assert.That(lines, Does.Contain("WorkingDirectory=/opt/call center"));
    }

    [TestCase("plain", "plain")]
    [TestCase("50%", "50%%")]
    [TestCase("$HOME", "$$HOME")]
    [TestCase("a b", "\"a b\"")]
    [TestCase("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [TestCase(@"C:\x", "\"C:\\\\x\"")]
    [TestCase("", "\"\"")]
    [TestCase(";", "\\;")]
    [TestCase("100% of $x y", "\"100%% of $$x y\"")]
    public void ExecArgumentsAreEscapedForSystemd(string argument, string expected)
    {
        Assert.That(SystemdUnit.QuoteExecArgument(argument), Is.EqualTo(expected));
    }

    [Test]
    public void EnvironmentIsOneQuotedAssignmentPerLineWithSpecifiersEscaped()
    {
        var settings = ServiceTestSettings.Linux() with
        {
            Environment = ImmutableSortedDictionary<string, string>.Empty
                .Add("DOTNET_ROOT", "/opt/dotnet")
                .Add("CC_NOTE", "a b 100%"),
        };

        var lines = Lines(SystemdUnit.Render(settings));

        Assert.That(lines.Where(l => l.StartsWith("Environment=", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "Environment=\"CC_NOTE=a b 100%%\"",
            "Environment=DOTNET_ROOT=/opt/dotnet",
        }));
    }

    [Test]
    public void RecordingsOutsideTheDataFolderAreWritableToo()
    {
        var inside = ServiceTestSettings.Linux() with { RecordingsFolder = "/var/lib/callcenter/recordings" };
        var outside = ServiceTestSettings.Linux() with { RecordingsFolder = "/srv/recordings" };

        Assert.That(Lines(SystemdUnit.Render(inside)), Does.Contain("ReadWritePaths=/var/lib/callcenter /var/log/callcenter"));
        Assert.That(Lines(SystemdUnit.Render(outside)), Does.Contain("ReadWritePaths=/var/lib/callcenter /var/log/callcenter /srv/recordings"));
    }

    [Test]
    public void DescriptionIsKeptOnOneLine()
    {
        var settings = ServiceTestSettings.Linux() with { Description = "PBX\nsecond line 5%" };

        Assert.That(Lines(SystemdUnit.Render(settings)), Does.Contain("Description=PBX second line 5%%"));
    }

    [Test]
    public void ValidationNamesEveryProblem()
    {
        var settings = ServiceTestSettings.Linux() with
        {
            ServiceName = "call center",
            ServiceUser = "Root!",
            DataFolder = "data",
            Command = ["dotnet", "CallCenter.Server.dll"],
        };

        var problems = SystemdUnit.Validate(settings);

        Assert.That(problems, Has.Count.EqualTo(4));
        Assert.That(problems, Has.Some.Contains("'call center' is not a valid unit name"));
        Assert.That(problems, Has.Some.Contains("'Root!' is not a valid user or group name"));
        Assert.That(problems, Has.Some.Contains("The data folder 'data' must be an absolute path"));
        Assert.That(problems, Has.Some.Contains("absolute path of an executable"));
        Assert.That(SystemdUnit.Validate(ServiceTestSettings.Linux()), Is.Empty);
    }

    [Test]
    [Platform("Linux")]
    public void SystemdItselfAcceptsTheUnitWithAwkwardPaths()
    {
        // systemd-analyze verify parses the file with systemd's own code, offline; it also checks that
        // ExecStart names an executable, so the command points at a real one in a folder with a space.
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            Assert.Ignore("systemd-analyze is not installed.");
        }

        var root = Directory.CreateTempSubdirectory("cc unit ").FullName;
        try
        {
            var executable = Path.Combine(root, "Call Center");
            File.Copy("/bin/true", executable);
            var settings = ServiceTestSettings.Linux() with
            {
                ServiceUser = "root",
                InstallDirectory = root,
                ConfigFolder = Path.Combine(root, "config"),
                DataFolder = Path.Combine(root, "data 100%"),
                Command = [executable, "run", "--config", Path.Combine(root, "config"), "$HOME", ";", "say \"hi\""],
                Environment = ImmutableSortedDictionary<string, string>.Empty.Add("CC_NOTE", "a \"b\" 5%"),
            };
            var unitPath = Path.Combine(root, "ccverify.service");
            File.WriteAllText(unitPath, SystemdUnit.Render(settings));

            var result = new ProcessCommandRunner(TimeSpan.FromSeconds(60)).Run("/usr/bin/systemd-analyze", ["verify", unitPath]);

            Assert.That(result.ExitCode, Is.Zero, result.StandardError + result.StandardOutput);
            Assert.That(result.StandardError + result.StandardOutput, Does.Not.Contain("ccverify"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string[] Lines(string unit) => unit.Split('\n');
}
