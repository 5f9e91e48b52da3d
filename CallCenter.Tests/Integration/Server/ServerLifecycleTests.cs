using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using CallCenter.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CallCenter.Tests.Integration.Server;

/// <summary>The real executable on a copy of the shipped configuration, driven as an admin or systemd would.</summary>
[NonParallelizable]
public sealed class ServerLifecycleTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ShippedConfigurationStartsAnswersHealthAndStopsCleanlyOnSigterm()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);

        using var response = await server.WaitForHealthAsync(install.WebPort, StartLimit);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = health.RootElement;
        Assert.That(root.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(root.GetProperty("node").GetString(), Is.EqualTo("cc1"));
        Assert.That(root.GetProperty("configGeneration").GetInt64(), Is.EqualTo(1));
        Assert.That(root.GetProperty("version").GetString(), Does.Match(@"^\d+\.\d+\.\d+"));
        Assert.That(root.GetProperty("uptimeSeconds").GetDouble(), Is.GreaterThanOrEqualTo(0));
        Assert.That(root.GetProperty("database").GetProperty("healthy").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("database").GetProperty("path").GetString(), Is.EqualTo(Path.Combine(install.DataFolder, "callcenter.db")));

        var stopwatch = Stopwatch.StartNew();
        server.SendSignal(ServerProcess.SigTerm);
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(5 + 10));
        stopwatch.Stop();

        Assert.That(exitCode, Is.EqualTo(0), $"stderr:\n{server.Error}");
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "with no calls up, stopping must not wait for the drain limit");
        var log = LogFiles.Read(install.LogFolder);
        Assert.That(log, Does.Contain("Stopping: no new calls").And.Contain("Stopped; the store is flushed"));

        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(install.DataFolder, "callcenter.db")};Pooling=False");
        connection.Open();
        Assert.That(connection.Query<string>("SELECT kind FROM service_events ORDER BY id;"), Is.EqualTo(new[] { "started", "stopped" }));
        Assert.That(new FileInfo(Path.Combine(install.DataFolder, "callcenter.db-wal")).Exists ? new FileInfo(Path.Combine(install.DataFolder, "callcenter.db-wal")).Length : 0, Is.Zero);
    }

    [Test]
    public async Task BrokenConfigurationIsRefusedWithItsLocationAndNothingListens()
    {
        using var install = new ShippedConfigCopy();
        install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc => doc.Root!.Element("rtp")!.SetAttributeValue("portMin", "twenty"));
        var line = File.ReadLines(install.PathOf(ShippedConfigCopy.ConfigurationFile.Main)).Select((text, index) => (text, index)).First(l => l.text.Contains("portMin=\"twenty\"")).index + 1;

        var (code, _, error) = await ServerProcess.RunToEndAsync(StartLimit, "run", "--config", install.ConfigFolder);

        Assert.That(code, Is.EqualTo(78), error);
        Assert.That(error, Does.Contain("will not start"));
        Assert.That(error, Does.Contain($"callcenter.xml:{line}:"));
        Assert.That(error, Does.Contain("portMin"));
        Assert.That(Directory.Exists(install.DataFolder), Is.False, "a refused start must not create a database");
    }

    [Test]
    public async Task CheckConfigPrintsEveryErrorWithItsLocationAndExitsNonZero()
    {
        using var install = new ShippedConfigCopy();
        install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc => doc.Root!.Element("web")!.SetAttributeValue("port", "99999"));
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc => doc.Root!.Elements("user").First().SetAttributeValue("maxContacts", "lots"));

        var (code, _, error) = await ServerProcess.RunToEndAsync(StartLimit, "check-config", "--config", install.ConfigFolder);

        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Match(@"callcenter\.xml:\d+:\d+: .*port"));
        Assert.That(error, Does.Match(@"extensions\.xml:\d+:\d+: .*maxContacts"));
    }

    [Test]
    public async Task CheckConfigAcceptsTheShippedConfiguration()
    {
        var (code, output, error) = await ServerProcess.RunToEndAsync(StartLimit, "check-config", "--config", RepoPaths.ShippedConfig);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("valid"));
    }

    [Test]
    public async Task ADatabaseFromANewerBuildStopsTheServerFromStarting()
    {
        using var install = new ShippedConfigCopy();
        Directory.CreateDirectory(install.DataFolder);
        var path = Path.Combine(install.DataFolder, "callcenter.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            connection.Execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_utc TEXT NOT NULL);");
            connection.Execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01');");
        }

        var (code, _, error) = await ServerProcess.RunToEndAsync(StartLimit, "run", "--config", install.ConfigFolder);

        Assert.That(code, Is.EqualTo(78), error);
        Assert.That(error, Does.Contain("schema version 999"));
    }

    [Test]
    public async Task BackupVerbWritesAConsistentCopyBesideARunningServer()
    {
        using var install = new ShippedConfigCopy();
        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, StartLimit)).Dispose();
        var target = Path.Combine(install.Root, "backup.db");

        var (code, output, error) = await ServerProcess.RunToEndAsync(StartLimit, "backup", target, "--config", install.ConfigFolder);

        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain(target));
        using var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        copy.Open();
        Assert.That(copy.ExecuteScalar<string>("PRAGMA integrity_check;"), Is.EqualTo("ok"));
        Assert.That(copy.Query<string>("SELECT kind FROM service_events;"), Does.Contain("started"));
    }

    [Test]
    public async Task UnknownVerbIsAUsageErrorAndVersionPrintsTheVersion()
    {
        var (code, _, error) = await ServerProcess.RunToEndAsync(StartLimit, "frobnicate");
        Assert.That(code, Is.EqualTo(64));
        Assert.That(error, Does.Contain("Unknown verb 'frobnicate'"));

        var (versionCode, output, _) = await ServerProcess.RunToEndAsync(StartLimit, "version");
        Assert.That(versionCode, Is.Zero);
        Assert.That(output, Does.Match(@"^CallCenter \d+\.\d+\.\d+"));
    }
}
