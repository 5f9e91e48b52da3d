using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// The hosted ACD across a live reload and a restart of the real server: agents log in and pause through the web API
/// (with its refusals), a queue added to queues.xml while running appears in the snapshot, and after SIGTERM and a new
/// start the agents are back as they were: a pause with its reason, a logged-in agent available at its extension.
/// </summary>
[NonParallelizable]
public sealed class AcdRestartTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task AgentsLoggedInAndPausedThroughTheApiComeBackAsTheyWereAfterARestart()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}") };

        await using (var first = ServerProcess.Start("run", "--config", install.ConfigFolder))
        {
            (await first.WaitForHealthAsync(install.WebPort, Limit)).Dispose();
            Assert.That(await StatusAsync(web, "nobody/login", new { extension = "1000", pin = "4711" }), Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await StatusAsync(web, "alice/login", new { extension = "1000", pin = "1111" }), Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await StatusAsync(web, "alice/login", new { extension = "9999", pin = "4711" }), Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await StatusAsync(web, "alice/logout", null), Is.EqualTo(HttpStatusCode.Conflict), "not logged in");
            Assert.That(await StatusAsync(web, "alice/login", new { extension = "1000", pin = "4711" }), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await StatusAsync(web, "alice/login", new { extension = "1000", pin = "4711" }), Is.EqualTo(HttpStatusCode.Conflict), "already logged in");
            Assert.That(await StatusAsync(web, "alice/not-ready", new { reason = "nap" }), Is.EqualTo(HttpStatusCode.BadRequest), "not a reason of queues.xml");
            Assert.That(await StatusAsync(web, "alice/not-ready", new { reason = "lunch" }), Is.EqualTo(HttpStatusCode.OK));
            // bob has a default extension in extensions.xml, so the body may leave it out.
            Assert.That(await StatusAsync(web, "bob/login", new { pin = "4712" }), Is.EqualTo(HttpStatusCode.OK));

            var snapshot = await web.GetFromJsonAsync<JsonElement>("/api/acd/snapshot");
            Assert.That(Agent(snapshot, "alice"), Is.EqualTo(("not-ready", "lunch", "1000")));
            Assert.That(Agent(snapshot, "bob"), Is.EqualTo(("available", (string?)null, "1001")));
            Assert.That(Queues(snapshot), Is.EqualTo(new[] { "sales", "support" }));
            Assert.That(snapshot.GetProperty("mailbox").GetProperty("dropped").GetInt64(), Is.Zero);
            Assert.That(snapshot.GetProperty("records").GetProperty("capacity").GetInt32(), Is.GreaterThan(0));
            Assert.That(snapshot.GetProperty("queueLog").GetProperty("capacity").GetInt32(), Is.GreaterThan(0), "the shipped configuration writes a queue_log");
            Assert.That(snapshot.GetProperty("queueLog").GetProperty("dropped").GetInt64(), Is.Zero);

            // A queue added while running: the ACD follows the new generation.
            var queues = XDocument.Load(Path.Combine(install.ConfigFolder, "queues.xml"), LoadOptions.PreserveWhitespace);
            queues.Root!.Add(new XElement("queue", new XAttribute("name", "billing"), new XAttribute("number", "5002")));
            queues.Save(Path.Combine(install.ConfigFolder, "queues.xml"));
            await LogFiles.WaitForAsync(install.LogFolder, LogFiles.Main, "Configuration generation 2 applied", TimeSpan.FromSeconds(10));
            await WaitForAsync(async () => Queues(await web.GetFromJsonAsync<JsonElement>("/api/acd/snapshot")).Contains("billing"), "the new queue in the snapshot");

            first.SendSignal(ServerProcess.SigTerm);
            Assert.That(await first.WaitForExitAsync(Limit), Is.EqualTo(0), first.Error);
        }

        await using var second = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await second.WaitForHealthAsync(install.WebPort, Limit)).Dispose();

        var after = await web.GetFromJsonAsync<JsonElement>("/api/acd/snapshot");
        Assert.That(Agent(after, "alice"), Is.EqualTo(("not-ready", "lunch", "1000")));
        Assert.That(Agent(after, "bob"), Is.EqualTo(("available", (string?)null, "1001")));
        Assert.That(LogFiles.Read(install.LogFolder), Does.Contain("ACD: 2 agents were logged in when the last run stopped"));

        // The pause kept its reason, so ready and a pause without a reason bring "lunch" back.
        Assert.That(await StatusAsync(web, "alice/ready", null), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await StatusAsync(web, "alice/not-ready", null), Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Agent(await web.GetFromJsonAsync<JsonElement>("/api/acd/snapshot"), "alice"), Is.EqualTo(("not-ready", "lunch", "1000")));

        second.SendSignal(ServerProcess.SigTerm);
        Assert.That(await second.WaitForExitAsync(Limit), Is.EqualTo(0), second.Error);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient web, string path, object? body)
    {
        using var response = body is null
            ? await web.PostAsync("/api/acd/agents/" + path, null)
            : await web.PostAsJsonAsync("/api/acd/agents/" + path, body);
        await TestContext.Out.WriteLineAsync($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.StatusCode;
    }

    private static (string?, string?, string?) Agent(JsonElement snapshot, string id)
    {
        var agent = snapshot.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        return (agent.GetProperty("state").GetString(), agent.GetProperty("reason").GetString(), agent.GetProperty("extension").GetString());
    }

    private static string[] Queues(JsonElement snapshot) =>
        [.. snapshot.GetProperty("queues").EnumerateArray().Select(q => q.GetProperty("name").GetString()!)];

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("timed out waiting for " + what);
    }
}
