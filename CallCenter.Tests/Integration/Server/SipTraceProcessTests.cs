using System.Net;
using System.Net.Sockets;
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

        await SipOptionsProbe.ExchangeAsync(phone, target, "trace-off");
        install.Edit(ShippedConfigCopy.ConfigurationFile.Main, doc => doc.Root!.Element("logging")!.SetAttributeValue("sipTrace", "true"));
        await LogFiles.WaitForAsync(install.LogFolder, LogFiles.Main, "Configuration generation 2 applied");
        await SipOptionsProbe.ExchangeAsync(phone, target, "trace-on");

        await LogFiles.WaitForAsync(install.LogFolder, LogFiles.SipTrace, "SIP/2.0 200 OK");
        var trace = LogFiles.Read(install.LogFolder, LogFiles.SipTrace);
        Assert.That(trace, Does.Contain("OPTIONS sip:trace-on@127.0.0.1").And.Contain("<< udp"));
        Assert.That(trace, Does.Contain(">> udp"));
        Assert.That(trace, Does.Not.Contain("trace-off"), "nothing is traced before the switch");
        Assert.That(LogFiles.Read(install.LogFolder), Does.Not.Contain("OPTIONS sip:"), "SIP messages never reach the operational log");
    }
}
