using CallCenter.Media.Rtp;

namespace CallCenter.Tests.Unit.Media.Rtp;

public sealed class RtpReceiveStatisticsTests
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private static TimeSpan At(int packet) => Ptime * packet;

    [Test]
    public void ASourceIsCountedFromTheSecondPacketInSequence()
    {
        // §A.1: MIN_SEQUENTIAL = 2, so the first packet only starts probation.
        var stats = new RtpReceiveStatistics(8000);
        Assert.That(stats.Update(1000, 0, At(0)), Is.False);
        Assert.That(stats.Update(1001, 160, At(1)), Is.True);
        for (var i = 2; i < 50; i++)
        {
            Assert.That(stats.Update((ushort)(1000 + i), (uint)(160 * i), At(i)), Is.True);
        }

        Assert.That(stats.Received, Is.EqualTo(49u));
        Assert.That(stats.Expected, Is.EqualTo(49u));
        Assert.That(stats.CumulativeLost, Is.Zero);
        Assert.That(stats.ExtendedHighestSequence, Is.EqualTo(1049u));
        Assert.That(stats.Jitter, Is.Zero, "perfectly paced packets have no jitter");
    }

    [Test]
    public void LossAndFractionLostFollowAppendixA3()
    {
        var stats = new RtpReceiveStatistics(8000);
        for (var i = 0; i <= 100; i++)
        {
            if (i is >= 40 and < 50)
            {
                continue;
            }

            stats.Update((ushort)i, (uint)(160 * i), At(i));
        }

        var block = stats.TakeReportBlock(0x77, At(101));
        // Counting starts at seq 1: expected 100, received 90.
        Assert.That(block.Ssrc, Is.EqualTo(0x77u));
        Assert.That(block.CumulativeLost, Is.EqualTo(10));
        Assert.That(block.FractionLost, Is.EqualTo(10 * 256 / 100));
        Assert.That(block.ExtendedHighestSequence, Is.EqualTo(100u));

        for (var i = 101; i <= 150; i++)
        {
            stats.Update((ushort)i, (uint)(160 * i), At(i));
        }

        var next = stats.TakeReportBlock(0x77, At(151));
        Assert.That(next.FractionLost, Is.Zero, "the fraction covers the interval since the last report only");
        Assert.That(next.CumulativeLost, Is.EqualTo(10));
    }

    [Test]
    public void DuplicatesMakeCumulativeLossNegativeAndFractionZero()
    {
        var stats = new RtpReceiveStatistics(8000);
        for (var i = 0; i < 20; i++)
        {
            stats.Update((ushort)i, (uint)(160 * i), At(i));
            if (i > 5 && i < 9)
            {
                stats.Update((ushort)i, (uint)(160 * i), At(i));
            }
        }

        var block = stats.TakeReportBlock(1, At(20));
        Assert.That(block.CumulativeLost, Is.EqualTo(-3));
        Assert.That(block.FractionLost, Is.Zero);
    }

    [Test]
    public void SequenceWrapCountsACycle()
    {
        var stats = new RtpReceiveStatistics(8000);
        for (var i = 0; i < 20; i++)
        {
            stats.Update((ushort)(65530 + i), (uint)(160 * i), At(i));
        }

        Assert.That(stats.ExtendedHighestSequence, Is.EqualTo(65536u + 13));
        Assert.That(stats.Expected, Is.EqualTo(19u));
        Assert.That(stats.CumulativeLost, Is.Zero);
    }

    [Test]
    public void AJumpIsBelievedOnlyWhenTheNextPacketConfirmsIt()
    {
        var stats = new RtpReceiveStatistics(8000);
        for (var i = 0; i < 10; i++)
        {
            stats.Update((ushort)i, (uint)(160 * i), At(i));
        }

        Assert.That(stats.Update(30000, 0, At(10)), Is.False, "a lone jump is not believed");
        Assert.That(stats.Update(10, 1600, At(11)), Is.True, "the old sequence goes on");
        Assert.That(stats.Update(40000, 0, At(12)), Is.False);
        Assert.That(stats.Update(40001, 160, At(13)), Is.True, "the jump was confirmed: the source restarted");
        Assert.That(stats.ExtendedHighestSequence, Is.EqualTo(40001u));
        Assert.That(stats.Received, Is.EqualTo(1u));
    }

    [Test]
    public void JitterMatchesTheFloatingPointFormulaOfAppendixA8()
    {
        var stats = new RtpReceiveStatistics(8000);
        var random = new Random(8);
        double jitter = 0;
        double? previousTransit = null;
        for (var i = 0; i < 500; i++)
        {
            // Sent every 20 ms; delayed 0-30 ms on the way.
            var delayUnits = random.Next(0, 240);
            var arrival = TimeSpan.FromTicks((At(i).Ticks) + (delayUnits * TimeSpan.TicksPerSecond / 8000));
            var timestamp = (uint)(160 * i) + 0xFFFF0000; // wraps past 2^32 on the way
            stats.Update((ushort)i, timestamp, arrival);

            // Arrival minus timestamp, in units, up to a constant: just the delay.
            double transit = delayUnits;
            if (previousTransit is { } p)
            {
                jitter += (Math.Abs(transit - p) - jitter) / 16;
            }

            previousTransit = transit;
        }

        Assert.That((double)stats.Jitter, Is.EqualTo(jitter).Within(1.5));
        Assert.That(stats.Jitter, Is.GreaterThan(40u), "random delays of up to 30 ms must show");
    }

    [Test]
    public void AConstantAlternatingDelayConvergesToIt()
    {
        var stats = new RtpReceiveStatistics(8000);
        for (var i = 0; i < 400; i++)
        {
            var arrival = At(i) + (i % 2 == 1 ? TimeSpan.FromMilliseconds(10) : TimeSpan.Zero);
            stats.Update((ushort)i, (uint)(160 * i), arrival);
        }

        Assert.That(stats.Jitter, Is.InRange(79u, 80u), "|D| is 80 timestamp units (10 ms) every packet");
    }

    [Test]
    public void EventPacketsCanBeLeftOutOfTheJitter()
    {
        var stats = new RtpReceiveStatistics(8000);
        for (var i = 0; i < 50; i++)
        {
            stats.Update((ushort)i, 8000, At(i), measureJitter: false);
        }

        Assert.That(stats.Jitter, Is.Zero);
        Assert.That(stats.Received, Is.EqualTo(49u));
    }

    [Test]
    public void LastSenderReportAndDelayAreEchoed()
    {
        var stats = new RtpReceiveStatistics(8000);
        var empty = stats.TakeReportBlock(1, TimeSpan.FromSeconds(1));
        Assert.That((empty.LastSenderReport, empty.DelaySinceLastSenderReport), Is.EqualTo((0u, 0u)), "§6.4.1: zero until an SR arrived");

        stats.RecordSenderReport(new RtcpSenderInfo(0x00001234_5678ABCD, 0, 0, 0), TimeSpan.FromSeconds(10));
        var block = stats.TakeReportBlock(1, TimeSpan.FromSeconds(10.5));
        Assert.That(block.LastSenderReport, Is.EqualTo(0x12345678u));
        Assert.That(block.DelaySinceLastSenderReport, Is.EqualTo(32768u), "half a second in 1/65536 s");
    }
}
