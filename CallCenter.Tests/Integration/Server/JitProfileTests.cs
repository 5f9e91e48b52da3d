using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CallCenter.Server.Hosting;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Integration.Server;

/// <summary>A restart under load: what the last run compiled is compiled again in the background from the start, so
/// that the first calls after a restart do not wait for the JIT (ServerHost.RunAsync).</summary>
[NonParallelizable]
public sealed class JitProfileTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(4);

    [Test]
    public async Task AStoppedServerLeavesAJitProfileThatTheNextStartCompilesBeforeAnyRequest()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 1);
        var profile = Path.Combine(install.DataFolder, ServerHost.JitProfileFileName);

        long idleFirst;
        await using (var first = ServerProcess.Start("run", "--config", install.ConfigFolder))
        {
            (await first.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(30))).Dispose();
            await Task.Delay(Idle);
            idleFirst = await JitMethodsAsync(install.WebPort);

            // Work that compiles what start-up alone does not: SIP requests through the whole stack.
            using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            for (var i = 0; i < 20; i++)
            {
                await SipOptionsProbe.ExchangeAsync(phone, new IPEndPoint(IPAddress.Loopback, install.SipPort), $"jit{i}");
            }

            first.SendSignal(ServerProcess.SigTerm);
            Assert.That(await first.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.EqualTo(0));
        }

        Assert.That(new FileInfo(profile).Length, Is.GreaterThan(0), "the stop wrote the profile into the data folder");

        await using var second = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await second.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(30))).Dispose();
        await Task.Delay(Idle);
        var idleSecond = await JitMethodsAsync(install.WebPort);
        await TestContext.Out.WriteLineAsync($"methods compiled when idle after start: {idleFirst} without a profile, {idleSecond} with one");

        Assert.That(idleSecond, Is.GreaterThan(idleFirst + 100),
            $"idle after start: {idleFirst} methods compiled the first time, {idleSecond} with the profile of a run that handled SIP");
    }

    private static async Task<long> JitMethodsAsync(int webPort)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var report = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{webPort}/api/system/runtime"));
        return report.RootElement.GetProperty("jitMethods").GetInt64();
    }
}
