using System.Net;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Media;

/// <summary>
/// The relays' share of the process's file descriptors: a budget of socket pairs that the manager refuses to pass,
/// so that a burst of calls is answered 503 instead of taking the descriptors the runtime needs (a cold burst under
/// a 20,000 limit once aborted the process). Relay ports 42700-42799.
/// </summary>
[TestFixture]
public sealed class RelaySocketBudgetTests
{
    [TestCase(10_000, 20_000, 8_750)]
    [TestCase(10_000, 65_536, 10_000)]
    [TestCase(1_000, 20_000, 1_000)]
    [TestCase(10_000, 1_000, 372)]
    [TestCase(10_000, 100, 2)]
    [TestCase(10_000, null, 10_000)]
    public void TheBudgetLeavesAnEighthOfTheDescriptorsToTheRestOfTheProcess(int portPairs, int? descriptorLimit, int expected) =>
        Assert.That(MediaRelayManager.OpenPairBudget(portPairs, descriptorLimit), Is.EqualTo(expected));

    [Test]
    public async Task ARelayBeyondTheBudgetIsRefusedAndAClosedOnesPairServesTheNext()
    {
        await using var manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 42700, PortMax = 42799, MaxOpenSocketPairs = 4 },
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        Assert.That(manager.RelaysAvailable, Is.EqualTo(2));

        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var first, out _), Is.True);
        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var second, out _), Is.True);
        Assert.That(manager.RelaysAvailable, Is.Zero);

        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out var third, out var error), Is.False);
        Assert.That(third, Is.Null);
        Assert.That(error, Is.EqualTo(MediaRelayError.SocketBudgetExhausted));
        Assert.That(manager.Statistics.PortPairsInUse, Is.EqualTo(4), "nothing opened for the refused relay");

        await first!.DisposeAsync();
        Assert.That(manager.RelaysAvailable, Is.EqualTo(1));
        Assert.That(manager.TryCreateRelay(new RecordingRelayObserver(), out third, out error), Is.True, error.ToString());
        await third!.DisposeAsync();
        await second!.DisposeAsync();
    }
}
