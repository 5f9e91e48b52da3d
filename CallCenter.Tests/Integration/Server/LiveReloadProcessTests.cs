using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using CallCenter.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CallCenter.Tests.Integration.Server;

/// <summary>Live edits against the real running executable, as an admin would make them with an editor.</summary>
[NonParallelizable]
public sealed class LiveReloadProcessTests
{
    private static readonly TimeSpan ReloadLimit = TimeSpan.FromSeconds(15);

    [Test]
    public async Task AGoodEditIsAppliedABadOneIsRejectedAndTheOldGenerationKeepsServing()
    {
        using var install = new ShippedConfigCopy();
        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(30))).Dispose();

        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
            doc.Root!.Add(new XElement("user", new XAttribute("extension", "3000"), new XAttribute("name", "New Hire"), new XAttribute("password", "a-new-secret"))));
        Assert.That(await WaitForGenerationAsync(install.WebPort, 2), Is.EqualTo(2), server.Output);

        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
            doc.Root!.Add(new XElement("user", new XAttribute("extension", "3000"), new XAttribute("name", "Duplicate"), new XAttribute("password", "x-secret-2"))));
        var rejection = await LogFiles.WaitForAsync(install.LogFolder, LogFiles.Main, "rejected; generation 2 keeps serving");
        Assert.That(rejection, Does.Contain("extensions.xml:").And.Contain("3000"));
        Assert.That(await GenerationAsync(install.WebPort), Is.EqualTo(2));
        Assert.That(server.HasExited, Is.False);

        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
            doc.Root!.Elements("user").Last().SetAttributeValue("extension", "3001"));
        Assert.That(await WaitForGenerationAsync(install.WebPort, 3), Is.EqualTo(3));

        server.SendSignal(ServerProcess.SigTerm);
        Assert.That(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(0), server.Error);
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(install.DataFolder, "callcenter.db")};Pooling=False");
        connection.Open();
        Assert.That(
            connection.Query<string>("SELECT detail FROM service_events WHERE kind = 'config-applied' ORDER BY id;"),
            Is.EqualTo(new[] { "generation 2", "generation 3" }));
    }

    [Test]
    public async Task SighupReloadsAtOnceInsteadOfEndingTheProcess()
    {
        using var install = new ShippedConfigCopy();
        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(30))).Dispose();

        server.SendSignal(ServerProcess.SigHup);

        Assert.That(await WaitForGenerationAsync(install.WebPort, 2), Is.EqualTo(2));
        Assert.That(server.HasExited, Is.False);
    }

    private static async Task<long> GenerationAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var health = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{port}/healthz"));
        return health.RootElement.GetProperty("configGeneration").GetInt64();
    }

    private static async Task<long> WaitForGenerationAsync(int port, long wanted)
    {
        var clock = Stopwatch.StartNew();
        long seen;
        do
        {
            seen = await GenerationAsync(port);
            if (seen >= wanted)
            {
                return seen;
            }

            await Task.Delay(100);
        }
        while (clock.Elapsed < ReloadLimit);
        return seen;
    }
}
