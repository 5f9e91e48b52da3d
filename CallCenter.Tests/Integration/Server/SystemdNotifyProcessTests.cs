using System.Net.Sockets;
using System.Text;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Integration.Server;

/// <summary>The real executable under a stand-in for systemd: a unix datagram socket named by NOTIFY_SOCKET.</summary>
[NonParallelizable]
public sealed class SystemdNotifyProcessTests
{
    [Test]
    public async Task ServerTellsSystemdItIsReadyAndThatItIsStopping()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        var socketPath = Path.Combine(install.Root, "notify.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(socketPath));

        await using var server = ServerProcess.Start(
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath },
            "run", "--config", install.ConfigFolder);

        var ready = await ReceiveUntilAsync(systemd, "READY=1", TimeSpan.FromSeconds(30));
        Assert.That(ready, Does.Contain("READY=1"), server.Error);
        using (var health = await server.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(10)))
        {
            Assert.That(health.IsSuccessStatusCode, Is.True, "READY=1 must only be sent once the server answers");
        }

        server.SendSignal(ServerProcess.SigTerm);
        var stopping = await ReceiveUntilAsync(systemd, "STOPPING=1", TimeSpan.FromSeconds(15));
        Assert.That(stopping, Does.Contain("STOPPING=1"));
        Assert.That(await server.WaitForExitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(0), server.Error);
    }

    private static async Task<string> ReceiveUntilAsync(Socket socket, string wanted, TimeSpan limit)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            while (!seen.ToString().Contains(wanted, StringComparison.Ordinal))
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                seen.Append(Encoding.UTF8.GetString(buffer, 0, received)).Append('\n');
            }
        }
        catch (OperationCanceledException)
        {
            // Report what did arrive; the assertion says what was missing.
        }

        return seen.ToString();
    }
}
