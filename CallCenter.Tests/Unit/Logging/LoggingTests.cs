using CallCenter.Core.Configuration;
using CallCenter.Server.Logging;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace CallCenter.Tests.Unit.Logging;

public sealed class LoggingTests
{
    private static LoggingOptions Options(string folder, LogLevelSetting level = LogLevelSetting.Information, bool sipTrace = false, params LogOverride[] overrides) =>
        new() { Folder = folder, Level = level, Overrides = [.. overrides], Console = false, SipTrace = sipTrace };

    [Test]
    public void TheLongestMatchingNamespaceDecidesTheLevel()
    {
        var levels = new LogLevelController(Options(
            "/tmp",
            LogLevelSetting.Warning,
            false,
            new LogOverride("CallCenter.Core", LogLevelSetting.Information),
            new LogOverride("CallCenter.Core.Sip", LogLevelSetting.Debug)));

        Assert.That(levels.LevelFor("CallCenter.Core.Sip.Transactions.InviteServer"), Is.EqualTo(LogEventLevel.Debug));
        Assert.That(levels.LevelFor("CallCenter.Core.Storage.Database"), Is.EqualTo(LogEventLevel.Information));
        Assert.That(levels.LevelFor("CallCenter.Core"), Is.EqualTo(LogEventLevel.Information));
        Assert.That(levels.LevelFor("CallCenter.CoreX.Thing"), Is.EqualTo(LogEventLevel.Warning), "a prefix must end at a dot");
        Assert.That(levels.LevelFor("Microsoft.AspNetCore.Hosting"), Is.EqualTo(LogEventLevel.Warning));
        Assert.That(levels.LevelFor(null), Is.EqualTo(LogEventLevel.Warning));
        Assert.That(levels.MinimumLevel.MinimumLevel, Is.EqualTo(LogEventLevel.Debug), "the global switch sits at the lowest level any namespace wants");
    }

    [Test]
    public void ApplyingNewOptionsChangesLevelsWhileRunning()
    {
        var levels = new LogLevelController(Options("/tmp"));
        Assert.That(levels.LevelFor("CallCenter.Core.Sip"), Is.EqualTo(LogEventLevel.Information));

        levels.Apply(Options("/tmp", LogLevelSetting.Error, false, new LogOverride("CallCenter.Core.Sip", LogLevelSetting.Verbose)));

        Assert.That(levels.LevelFor("CallCenter.Core.Sip"), Is.EqualTo(LogEventLevel.Verbose));
        Assert.That(levels.LevelFor("CallCenter.Server"), Is.EqualTo(LogEventLevel.Error));
        Assert.That(levels.MinimumLevel.MinimumLevel, Is.EqualTo(LogEventLevel.Verbose));
    }

    [Test]
    public void FilesGetPerNamespaceLevelsScopesAsPropertiesAndTheSipTraceOnlyWhileSwitchedOn()
    {
        using var folder = new TempFolder("cc-log");
        var levels = new LogLevelController(Options(folder.Path, LogLevelSetting.Information, false, new LogOverride("CallCenter.Noisy", LogLevelSetting.Error)));
        using (var serilog = SerilogSetup.Create(Options(folder.Path), levels))
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            var calls = factory.CreateLogger("CallCenter.Core.Calls");
            var noisy = factory.CreateLogger("CallCenter.Noisy.Thing");
            var trace = factory.CreateLogger(LogLevelController.SipTraceCategory);

            using (calls.BeginScope(new Dictionary<string, object> { ["CallId"] = "a84b4c76e66710", ["Extension"] = "1000" }))
            {
                calls.LogInformation("call answered");
            }

            noisy.LogWarning("suppressed warning");
            noisy.LogError("kept error");
            trace.LogInformation("INVITE sip:trace-off@example.com SIP/2.0");

            levels.Apply(Options(folder.Path, LogLevelSetting.Information, sipTrace: true));
            Assert.That(trace.IsEnabled(LogLevel.Information), Is.True);
            trace.LogInformation("INVITE sip:trace-on@example.com SIP/2.0");
            noisy.LogWarning("warning after the override was removed");
        }

        var main = File.ReadAllText(Directory.GetFiles(folder.Path, "callcenter-*.log").Single());
        var sip = File.ReadAllText(Directory.GetFiles(folder.Path, "sip-trace-*.log").Single());

        Assert.That(main, Does.Contain("call answered").And.Contain("\"CallId\":\"a84b4c76e66710\"").And.Contain("\"Extension\":\"1000\""));
        Assert.That(main, Does.Not.Contain("suppressed warning"));
        Assert.That(main, Does.Contain("kept error").And.Contain("warning after the override was removed"));
        Assert.That(main, Does.Not.Contain("INVITE sip:"), "SIP messages never go to the operational log");
        Assert.That(sip, Does.Contain("trace-on@example.com").And.Not.Contain("trace-off@example.com"));
    }
}
