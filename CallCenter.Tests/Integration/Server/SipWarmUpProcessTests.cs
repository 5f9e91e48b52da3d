using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Integration.Server;

/// <summary>
/// At start the server sends itself an OPTIONS and a challenged REGISTER (Hosting/SipWarmUp.cs) so that the path a
/// phone takes is compiled before the first REGISTER storm. It must run the real path (the 200 proves digest and
/// registrar ran) and leave no trace a user could see: no binding added or removed, no ban, no registration log.
/// </summary>
[NonParallelizable]
public sealed class SipWarmUpProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task TheWarmUpRegistersNothingAndLeavesARealPhonesBindingAsItWas()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}") };
        var done = $"SIP warm-up through udp:127.0.0.1:{install.SipPort} as extension 1000: answered 200,401,200";

        await using (var first = ServerProcess.Start("run", "--config", install.ConfigFolder))
        {
            (await first.WaitForHealthAsync(install.WebPort, Limit)).Dispose();
            await LogFiles.WaitForAsync(install.LogFolder, LogFiles.Main, done);
            Assert.That(await BindingsAsync(web, null), Is.Empty, "the warm-up's REGISTER bound nothing");
            Assert.That(await web.GetFromJsonAsync<object[]>("/api/sip/bans"), Is.Empty);

            // The warm-up is real traffic, and the stack's counters (GET /api/sip/statistics) say so.
            using var statistics = JsonDocument.Parse(await web.GetStringAsync("/api/sip/statistics"));
            var messages = statistics.RootElement.GetProperty("messages");
            Assert.That(messages.GetProperty("requestsByMethod").GetProperty("OPTIONS").GetInt64(), Is.EqualTo(1));
            Assert.That(messages.GetProperty("requestsByMethod").GetProperty("REGISTER").GetInt64(), Is.EqualTo(2));
            Assert.That(messages.GetProperty("responsesByClass").GetProperty("2xx").GetInt64(), Is.EqualTo(2));
            Assert.That(messages.GetProperty("responsesByClass").GetProperty("4xx").GetInt64(), Is.EqualTo(1));
            Assert.That(statistics.RootElement.GetProperty("transport").GetProperty("datagramsIn").GetInt64(), Is.EqualTo(3));
            Assert.That(statistics.RootElement.GetProperty("nonceTableTracked").GetInt32(), Is.EqualTo(1), "the warm-up's one used nonce");

            // A real phone of the warm-up's own extension, which the next start's warm-up must not disturb.
            var register = await ExternalProcess.RunAsync(
                Peers.Require(Peers.Sipsak),
                ["-U", "-s", $"sip:1000@127.0.0.1:{install.SipPort.ToString(CultureInfo.InvariantCulture)}", "-u", "1000",
                 "-a", "change-me-1000", "--expires=600", "-vv"],
                Limit);
            Assert.That(register.ExitCode, Is.Zero, register.Output + register.Error);
            first.SendSignal(ServerProcess.SigTerm);
            Assert.That(await first.WaitForExitAsync(Limit), Is.EqualTo(0), first.Error);
        }

        await using var second = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await second.WaitForHealthAsync(install.WebPort, Limit)).Dispose();
        // From the restore on: the second start's own warm-up line.
        await WaitForAsync(() => LogFiles.Read(install.LogFolder) is var log && log.IndexOf("Restored 1 registrations", StringComparison.Ordinal) is >= 0 and var at
                                 && log.IndexOf(done, at, StringComparison.Ordinal) > at);
        var bindings = await BindingsAsync(web, "1000");
        Assert.That(bindings, Has.Length.EqualTo(1));
        Assert.That(bindings[0].Contact, Does.StartWith("sip:1000@127.0.0.1:"), "the phone's binding, not the warm-up's");
        Assert.That(bindings[0].ExpiresInSeconds, Is.InRange(540, 600));
        Assert.That(LogFiles.Read(install.LogFolder), Does.Not.Contain("sip:warm-up-"), "no binding of the warm-up was ever logged");

        second.SendSignal(ServerProcess.SigTerm);
        Assert.That(await second.WaitForExitAsync(Limit), Is.EqualTo(0), second.Error);
    }

    [Test]
    public async Task AUserWithOnlyAnHa1HashIsEnoughForTheWarmUp()
    {
        using var install = new ShippedConfigCopy();
        var ha1 = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("1000:callcenter:change-me-1000")));
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
        {
            var user = doc.Root!.Elements("user").First(u => (string?)u.Attribute("extension") == "1000");
            user.SetAttributeValue("password", null);
            user.SetAttributeValue("ha1", ha1);
        });

        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, Limit)).Dispose();
        await LogFiles.WaitForAsync(
            install.LogFolder, LogFiles.Main, $"SIP warm-up through udp:127.0.0.1:{install.SipPort} as extension 1000: answered 200,401,200");
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(clock.Elapsed, Is.LessThan(Limit), "the second start never logged its warm-up after the restore");
            await Task.Delay(100);
        }
    }

    private static async Task<Binding[]> BindingsAsync(HttpClient web, string? extension) =>
        (await web.GetFromJsonAsync<Binding[]>(extension is null ? "/api/sip/registrations" : $"/api/sip/registrations?extension={extension}"))!;

    private sealed record Binding(string Extension, string Contact, string Target, long ExpiresInSeconds);
}
