using System.Net;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Media.Relay;

public sealed class MediaRelayOptionsTests
{
    private static MediaRelayManager Manager(MediaRelayOptions options) => new(options, new FakeTimeProvider(), NullLogger<MediaRelayManager>.Instance);

    [TestCase(30000, 20000)]
    [TestCase(20001, 20002)]
    [TestCase(80, 1000)]
    [TestCase(20000, 70000)]
    public void ARangeWithoutAPairIsAStartUpError(int portMin, int portMax)
    {
        Assert.That(() => Manager(new MediaRelayOptions { PortMin = portMin, PortMax = portMax }), Throws.ArgumentException);
    }

    [Test]
    public void TimeoutHeartbeatCnameAndEventLoopsAreChecked()
    {
        Assert.That(() => Manager(new MediaRelayOptions { MediaTimeout = TimeSpan.FromSeconds(-1) }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Manager(new MediaRelayOptions { HeartbeatInterval = TimeSpan.Zero }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Manager(new MediaRelayOptions { Cname = "pbx-ü" }), Throws.ArgumentException);
        Assert.That(() => Manager(new MediaRelayOptions { EventLoops = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Manager(new MediaRelayOptions { EventLoops = 65 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task TheSmallestRangeIsOnePairAndTheDefaultsAreUsable()
    {
        await using var smallest = Manager(new MediaRelayOptions { PortMin = 20001, PortMax = 20003, BindAddress = IPAddress.Loopback });
        Assert.That(smallest.Statistics.PortPairs, Is.EqualTo(1));
        await using var defaults = Manager(new MediaRelayOptions());
        Assert.That(defaults.Statistics.PortPairs, Is.EqualTo(5000));
    }
}
