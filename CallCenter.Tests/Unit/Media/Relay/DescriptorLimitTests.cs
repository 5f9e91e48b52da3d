using CallCenter.Media.Relay;

namespace CallCenter.Tests.Unit.Media.Relay;

/// <summary>The socket pool sized against the process's file-descriptor limit.</summary>
public sealed class DescriptorLimitTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max open files            20000                20000                files
        Max locked memory         8388608              8388608              bytes
        """;

    [Test]
    public void TheSoftLimitIsReadFromProcSelfLimits()
    {
        Assert.That(DescriptorLimit.Parse(Limits), Is.EqualTo(20000));
        Assert.That(DescriptorLimit.Parse("Max open files            unlimited            unlimited            files\n"), Is.Null);
        Assert.That(DescriptorLimit.Parse("Max cpu time              unlimited            unlimited            seconds\n"), Is.Null);
    }

    [Test]
    public void OnLinuxThisProcessHasALimit()
    {
        Assume.That(OperatingSystem.IsLinux());
        Assert.That(DescriptorLimit.Current(), Is.GreaterThan(0));
    }

    [TestCase(4096, 10000, 20000, 2500)]
    [TestCase(4096, 10000, 65536, 4096)]
    [TestCase(4096, 2000, 65536, 1000)]
    [TestCase(4096, 10000, null, 4096)]
    [TestCase(0, 10000, 65536, 0)]
    public void ThePoolKeepsAtMostAQuarterOfTheDescriptorsAndHalfThePorts(int configured, int portPairs, int? limit, int expected) =>
        Assert.That(MediaRelayManager.PoolCapacity(configured, portPairs, limit), Is.EqualTo(expected));
}
