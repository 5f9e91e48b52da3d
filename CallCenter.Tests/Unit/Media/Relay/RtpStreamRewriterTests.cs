using CallCenter.Media.Relay;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Relay;

public sealed class RtpStreamRewriterTests
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private static RtpHeaderFields Pass(RtpStreamRewriter rewriter, ushort sequence, uint timestamp, uint ssrc, TimeSpan arrival, out bool newSource)
    {
        var datagram = RtpTestPackets.Audio(0, sequence, timestamp, ssrc, RtpTestPackets.Frame(sequence));
        newSource = rewriter.Rewrite(datagram, sequence, timestamp, ssrc, arrival);
        return RtpTestPackets.Read(datagram);
    }

    [Test]
    public void TheFirstSourceStartsAtTheRelaysOwnOrigin()
    {
        var rewriter = new RtpStreamRewriter(0xAAAA0001, firstSequence: 1000, firstTimestamp: 5000);

        var first = Pass(rewriter, 50, 8000, 0x1234, TimeSpan.Zero, out var firstIsNew);
        var second = Pass(rewriter, 51, 8160, 0x1234, Ptime, out var secondIsNew);

        Assert.That((first.Sequence, first.Timestamp, first.Ssrc, first.Marker), Is.EqualTo(((ushort)1000, 5000u, 0xAAAA0001u, false)));
        Assert.That((second.Sequence, second.Timestamp, second.Ssrc), Is.EqualTo(((ushort)1001, 5160u, 0xAAAA0001u)));
        Assert.That((firstIsNew, secondIsNew), Is.EqualTo((true, false)));
        Assert.That(first.Payload, Is.EqualTo(RtpTestPackets.Frame(50)), "the payload is not touched");
    }

    [Test]
    public void LossAndReorderingInsideOneSourceStayVisible()
    {
        var rewriter = new RtpStreamRewriter(1, firstSequence: 1000, firstTimestamp: 0);

        var sequences = new[] { (ushort)50, (ushort)52, (ushort)51, (ushort)53 }
            .Select((s, i) => Pass(rewriter, s, (uint)(s * 160), 7, Ptime * i, out _).Sequence)
            .ToArray();

        Assert.That(sequences, Is.EqualTo(new ushort[] { 1000, 1002, 1001, 1003 }));
        Assert.That(rewriter.HighestSequence, Is.EqualTo(1003));
        Assert.That(rewriter.HighestTimestamp, Is.EqualTo(3 * 160u));
    }

    [Test]
    public void ANewSourceContinuesSequenceAndTimeAndCarriesTheMarker()
    {
        var rewriter = new RtpStreamRewriter(0xBEEF, firstSequence: 65534, firstTimestamp: 0xFFFFFF00);
        for (var i = 0; i < 5; i++)
        {
            Pass(rewriter, (ushort)(100 + i), (uint)(i * 160), 0x1111, Ptime * i, out _);
        }

        // The transfer target's phone starts its own stream 20 ms after the last packet of the first phone.
        var switched = Pass(rewriter, 30000, 987654, 0x2222, Ptime * 5, out var isNew);
        var next = Pass(rewriter, 30001, 987654 + 160, 0x2222, Ptime * 6, out _);

        Assert.That(isNew, Is.True);
        Assert.That(switched.Ssrc, Is.EqualTo(0xBEEFu), "the far end keeps seeing our SSRC");
        Assert.That(switched.Sequence, Is.EqualTo(unchecked((ushort)(65534 + 5))), "the next number, across the 16-bit wrap");
        Assert.That(switched.Timestamp, Is.EqualTo(unchecked(0xFFFFFF00u + (5 * 160))), "the last timestamp plus the 20 ms that passed");
        Assert.That(switched.Marker, Is.True, "RFC 3551 §4.1: a discontinuity is marked");
        Assert.That((next.Sequence, next.Timestamp, next.Marker), Is.EqualTo(((ushort)(switched.Sequence + 1), switched.Timestamp + 160, false)));
    }

    [Test]
    public void ASilenceBetweenSourcesShowsInTheTimestamps()
    {
        var rewriter = new RtpStreamRewriter(9, firstSequence: 0, firstTimestamp: 0);
        Pass(rewriter, 10, 0, 1, TimeSpan.Zero, out _);
        var resumed = Pass(rewriter, 500, 4242, 2, TimeSpan.FromSeconds(3), out _);

        Assert.That(resumed.Sequence, Is.EqualTo(1));
        Assert.That(resumed.Timestamp, Is.EqualTo(3 * 8000u), "three seconds of silence are three seconds of timestamps");
    }
}
