using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Integration.Server;

[NonParallelizable]
public sealed class SipTraceProcessTests
{
    [Test]
    public async Task SipTraceSwitchedOnWhileRunningCapturesBothDirectionsInItsOwnFile()
    {
        using var install = new ShippedConfigCopy();
        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, TimeSpan.FromSeconds(30))).Dispose();
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, install.SipPort);

        await ExchangeAsync(phone, target, "trace-off");
        install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc => doc.Root!.Element("logging")!.SetAttributeValue("sipTrace", "true"));
        await LogFiles.WaitForAsync(install.LogFolder, LogFiles.Main, "Configuration generation 2 applied");
        await ExchangeAsync(phone, target, "trace-on");

        await LogFiles.WaitForAsync(install.LogFolder, LogFiles.SipTrace, "SIP/2.0 200 OK");
        var trace = LogFiles.Read(install.LogFolder, LogFiles.SipTrace);
        Assert.That(trace, Does.Contain("OPTIONS sip:trace-on@127.0.0.1").And.Contain("<< udp"));
        Assert.That(trace, Does.Contain(">> udp"));
        Assert.That(trace, Does.Not.Contain("trace-off"), "nothing is traced before the switch");
        Assert.That(LogFiles.Read(install.LogFolder), Does.Not.Contain("OPTIONS sip:"), "SIP messages never reach the operational log");
    }

    private static async Task ExchangeAsync(UdpClient phone, IPEndPoint target, string user)
    {
        var request = $"OPTIONS sip:{user}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{user}\r\nMax-Forwards: 70\r\n" +
            $"From: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:{user}@127.0.0.1>\r\nCall-ID: {user}@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        await phone.SendAsync(Encoding.ASCII.GetBytes(request), target);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = await phone.ReceiveAsync(timeout.Token);
        Assert.That(Encoding.ASCII.GetString(answer.Buffer), Does.StartWith("SIP/2.0 200 OK"));
    }
}
