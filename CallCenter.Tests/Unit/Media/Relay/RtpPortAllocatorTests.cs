using CallCenter.Media.Relay;

namespace CallCenter.Tests.Unit.Media.Relay;

public sealed class RtpPortAllocatorTests
{
    [Test]
    public void AnOddMinimumIsRoundedUpAndEveryPairFitsBelowTheMaximum()
    {
        var allocator = new RtpPortAllocator(40001, 40010);
        var ports = new List<int>();
        while (allocator.TryReserve(out var port))
        {
            ports.Add(port);
        }

        Assert.That(allocator.FirstPort, Is.EqualTo(40002));
        Assert.That(ports, Is.EqualTo(new[] { 40002, 40004, 40006, 40008 }), "40010 would need 40011 for RTCP");
        Assert.That(allocator.PairCount, Is.EqualTo(4));
        Assert.That(allocator.PairsInUse, Is.EqualTo(4));
    }

    [Test]
    public void ExhaustionIsAnAnswerAndAReleasedPairIsReused()
    {
        var allocator = new RtpPortAllocator(40000, 40005);
        Assert.That(allocator.TryReserve(out var first) && allocator.TryReserve(out _) && allocator.TryReserve(out _), Is.True);

        Assert.That(allocator.TryReserve(out var none), Is.False);
        Assert.That(none, Is.Zero);

        allocator.Release(first);
        Assert.That(allocator.TryReserve(out var again), Is.True);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(allocator.PairsInUse, Is.EqualTo(3));
    }

    [Test]
    public void AReleasedPairGoesToTheBackOfTheLine()
    {
        var allocator = new RtpPortAllocator(40000, 40005);
        allocator.TryReserve(out var first);
        allocator.Release(first);

        allocator.TryReserve(out var next);
        Assert.That(next, Is.EqualTo(40002), "late packets of the last call should not meet the next one");
    }

    [Test]
    public void ReleasingTwiceOrAPortOfAnotherRangeIsABug()
    {
        var allocator = new RtpPortAllocator(40000, 40005);
        allocator.TryReserve(out var port);
        allocator.Release(port);

        Assert.That(() => allocator.Release(port), Throws.InvalidOperationException);
        Assert.That(() => allocator.Release(40001), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => allocator.Release(40006), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
