using System.Globalization;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>
/// The real server on a copy of the shipped configuration, probed by SIP tools nobody here wrote. The fixture
/// starts one server for all probes (they only ask questions) and stops it with SIGTERM at the end.
/// </summary>
[NonParallelizable]
public sealed class OptionsInteropTests
{
    private static readonly TimeSpan PeerLimit = TimeSpan.FromSeconds(60);
    private ShippedConfigCopy _install = null!;
    private RunningServer _server = null!;

    private string SipPort => _install.SipPort.ToString(CultureInfo.InvariantCulture);

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _install = new ShippedConfigCopy();
        _server = await RunningServer.StartAsync(_install);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        var code = await _server.StopAsync();
        _install.Dispose();
        Assert.That(code, Is.EqualTo(0), "the server must survive every probe and stop cleanly");
    }

    [Test]
    public async Task SipsakOptionsGets200()
    {
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipsak), ["-vv", "-s", $"sip:1000@127.0.0.1:{SipPort}"], PeerLimit);

        Assert.That(result.ExitCode, Is.Zero, result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("SIP/2.0 200 OK").And.Contain("Server: CallCenter"));
    }

    [TestCase("u1", TestName = "SippOptionsOverUdpAllAnswered200")]
    [TestCase("t1", TestName = "SippOptionsOverTcpAllAnswered200")]
    public async Task SippOptions(string transport)
    {
        var scenario = Path.Combine(TestContext.CurrentContext.TestDirectory, "Interop", "Scenarios", "options.xml");
        var localPort = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.Sipp),
            [$"127.0.0.1:{SipPort}", "-sf", scenario, "-s", "1000", "-t", transport, "-i", "127.0.0.1", "-p", localPort,
             "-m", "50", "-r", "25", "-timeout", "30", "-timeout_error", "-nostdin", "-buff_size", "4000000"],
            PeerLimit);

        Assert.That(result.TimedOut, Is.False);
        Assert.That(result.ExitCode, Is.Zero, $"SIPp reports failed calls\n{result.Output}\n{result.Error}");
        Assert.That(result.Output, Does.Match(@"Successful call\s+\|\s+\d+\s+\|\s+50"));
    }

    [Test]
    public async Task SvmapFindsTheServerAndItsUserAgent()
    {
        var result = await ExternalProcess.RunAsync(Peers.Require(Peers.SvMap), ["127.0.0.1", "-p", SipPort], PeerLimit);

        Assert.That(result.TimedOut, Is.False);
        Assert.That(result.Output, Does.Contain($"127.0.0.1:{SipPort}").And.Contain("CallCenter"));
    }

    [Test]
    public async Task ServerStillHealthyAfterTheProbes()
    {
        using var health = await _server.Process.WaitForHealthAsync(_install.WebPort, TimeSpan.FromSeconds(5));
        Assert.That(health.IsSuccessStatusCode, Is.True);
    }
}
