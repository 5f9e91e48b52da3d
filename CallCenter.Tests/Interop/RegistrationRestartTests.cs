using System.Globalization;
using System.Net.Http.Json;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// Registrations survive a restart (issue 3): a phone registers through sipsak, the server stops on SIGTERM and
/// starts again on the same install, and the binding is back before the phone refreshes, with the time it had left.
/// </summary>
[NonParallelizable]
public sealed class RegistrationRestartTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task ARegistrationIsStillThereAfterTheServerRestarts()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}") };
        var sipPort = install.SipPort.ToString(CultureInfo.InvariantCulture);

        await using (var first = ServerProcess.Start("run", "--config", install.ConfigFolder))
        {
            (await first.WaitForHealthAsync(install.WebPort, Limit)).Dispose();
            var register = await ExternalProcess.RunAsync(
                Peers.Require(Peers.Sipsak),
                ["-U", "-s", $"sip:1001@127.0.0.1:{sipPort}", "-u", "1001", "-a", "change-me-1001", "--expires=600", "-vv"],
                Limit);
            Assert.That(register.ExitCode, Is.Zero, register.Output + register.Error);
            Assert.That(await BindingsAsync(web), Has.Length.EqualTo(1));

            first.SendSignal(ServerProcess.SigTerm);
            Assert.That(await first.WaitForExitAsync(Limit), Is.EqualTo(0), first.Error);
        }

        await using var second = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await second.WaitForHealthAsync(install.WebPort, Limit)).Dispose();

        var restored = await BindingsAsync(web);
        Assert.That(restored, Has.Length.EqualTo(1));
        Assert.That(restored[0].Contact, Does.StartWith("sip:1001@127.0.0.1:"));
        Assert.That(restored[0].ExpiresInSeconds, Is.InRange(540, 600), "the time it had left, not a fresh 600 s nor zero");
        Assert.That(LogFiles.Read(install.LogFolder), Does.Contain("Restored 1 registrations"), "the restore is logged");

        second.SendSignal(ServerProcess.SigTerm);
        Assert.That(await second.WaitForExitAsync(Limit), Is.EqualTo(0), second.Error);
    }

    private static async Task<Binding[]> BindingsAsync(HttpClient web) =>
        (await web.GetFromJsonAsync<Binding[]>("/api/sip/registrations?extension=1001"))!;

    private sealed record Binding(string Extension, string Contact, string Target, long ExpiresInSeconds);
}
