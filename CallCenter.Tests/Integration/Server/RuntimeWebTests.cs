using System.Text.Json;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Integration.Server;

/// <summary>/api/system/runtime on the real executable: counters that move between two reads.</summary>
[NonParallelizable]
public sealed class RuntimeWebTests
{
    [Test]
    public async Task TheRuntimeReportCountsCpuCollectionsAndDescriptorsOfTheServerProcess()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(30))).Dispose();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}"), Timeout = TimeSpan.FromSeconds(5) };

        using var first = JsonDocument.Parse(await client.GetStringAsync("/api/system/runtime"));
        for (var i = 0; i < 20; i++)
        {
            (await client.GetAsync("/api/calls")).Dispose();
        }

        using var second = JsonDocument.Parse(await client.GetStringAsync("/api/system/runtime"));
        var a = first.RootElement;
        var b = second.RootElement;
        Assert.That(b.GetProperty("serverGc").GetBoolean(), Is.True, "CallCenter.Server.csproj asks for server GC");
        Assert.That(b.GetProperty("allocatedBytes").GetInt64(), Is.GreaterThan(a.GetProperty("allocatedBytes").GetInt64()), "twenty requests allocate");
        Assert.That(b.GetProperty("userCpuMs").GetDouble() + b.GetProperty("systemCpuMs").GetDouble(), Is.GreaterThan(0));
        Assert.That(b.GetProperty("gen0Collections").GetInt32(), Is.GreaterThanOrEqualTo(a.GetProperty("gen0Collections").GetInt32()));
        Assert.That(b.GetProperty("gcPauseMs").GetDouble(), Is.GreaterThanOrEqualTo(a.GetProperty("gcPauseMs").GetDouble()));

        // On Linux the handle count is the process's open descriptors: the SIP and web sockets, the database, logs.
        var descriptors = Directory.GetFiles($"/proc/{server.Id}/fd").Length;
        Assert.That(b.GetProperty("handles").GetInt32(), Is.InRange(descriptors / 2, descriptors * 2));
        Assert.That(b.GetProperty("threads").GetInt32(), Is.GreaterThan(2));
        Assert.That(b.GetProperty("jitMethods").GetInt64(), Is.GreaterThan(1_000), "a started server has compiled its start-up");
        Assert.That(b.GetProperty("jitMs").GetDouble(), Is.GreaterThan(0));
        Assert.That(b.GetProperty("jitMethods").GetInt64(), Is.GreaterThanOrEqualTo(a.GetProperty("jitMethods").GetInt64()));
    }
}
