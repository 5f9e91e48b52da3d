using CallCenter.Tests.Support;

namespace CallCenter.Tests.Interop;

/// <summary>The peers every interop test relies on are present and are the versions the suite was written for.</summary>
public sealed class PeerAvailabilityTests
{
    [TestCaseSource(typeof(Peers), nameof(Peers.All))]
    public void PeerIsInstalled(Peers.Peer peer)
    {
        Assert.That(Peers.Require(peer), Does.EndWith("/" + peer.Command));
    }

    [Test]
    public async Task SippIsTheReleaseTheScenariosTarget()
    {
        var result = await ExternalProcess.RunAsync(Peers.Require(Peers.Sipp), ["-v"], TimeSpan.FromSeconds(10));
        Assert.That(result.Output + result.Error, Does.Contain("SIPp v3.6"));
    }

    [Test]
    public async Task SvmapFindsNothingOnAPortWhereNothingListens()
    {
        // Establishes the scanner's baseline against an empty port; the registrar tests expect it to find CallCenter.
        var port = FreePorts.Next();
        var result = await ExternalProcess.RunAsync(
            Peers.Require(Peers.SvMap), ["127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "0.2"], TimeSpan.FromSeconds(60));
        Assert.That(result.TimedOut, Is.False);
        Assert.That(result.Output, Does.Not.Contain($"127.0.0.1:{port}"));
    }
}
