using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// Call features changed at run time survive a restart of the real server: DND and a forward set through the API
/// (the same store a feature code writes), SIGTERM, start again on the same install, and they still apply.
/// </summary>
[NonParallelizable]
public sealed class FeatureRestartTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task DndAndAForwardSetAtRunTimeAreStillThereAfterTheServerRestarts()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}") };

        await using (var first = ServerProcess.Start("run", "--config", install.ConfigFolder))
        {
            (await first.WaitForHealthAsync(install.WebPort, Limit)).Dispose();
            var before = await web.GetFromJsonAsync<JsonElement>("/api/extensions/1001/features");
            Assert.That(before.GetProperty("doNotDisturb").GetBoolean(), Is.False);
            using var set = await web.PutAsJsonAsync("/api/extensions/1001/features", new { doNotDisturb = true, forwardNoAnswer = "2000" });
            Assert.That(set.StatusCode, Is.EqualTo(HttpStatusCode.OK), await set.Content.ReadAsStringAsync());
            using var unknown = await web.GetAsync("/api/extensions/9999/features");
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

            first.SendSignal(ServerProcess.SigTerm);
            Assert.That(await first.WaitForExitAsync(Limit), Is.EqualTo(0), first.Error);
        }

        await using var second = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await second.WaitForHealthAsync(install.WebPort, Limit)).Dispose();

        var after = await web.GetFromJsonAsync<JsonElement>("/api/extensions/1001/features");
        Assert.That(after.GetProperty("doNotDisturb").GetBoolean(), Is.True);
        Assert.That(after.GetProperty("forwardNoAnswer").GetString(), Is.EqualTo("2000"));
        Assert.That(after.GetProperty("noAnswerTimeout").GetInt32(), Is.EqualTo(30), "calls/@ringTimeout of the shipped configuration");
        Assert.That(LogFiles.Read(install.LogFolder), Does.Contain("Call features changed at run time restored for 1 users"));

        second.SendSignal(ServerProcess.SigTerm);
        Assert.That(await second.WaitForExitAsync(Limit), Is.EqualTo(0), second.Error);
    }
}
