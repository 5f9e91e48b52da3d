using CallCenter.Media.Relay;
using CallCenter.Media.Rtp;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Relay;

/// <summary>Frames the relay generates share the stream of the packets it relays: one SSRC, one sequence, one
/// timeline.</summary>
public sealed class RtpStreamRewriterGeneratedTests
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private static RtpHeaderFields Relay(RtpStreamRewriter rewriter, ushort sequence, uint ssrc, TimeSpan arrival)
    {
        var datagram = RtpTestPackets.Audio(0, sequence, sequence * 160u, ssrc, RtpTestPackets.Frame(sequence));
        rewriter.Rewrite(datagram, sequence, sequence * 160u, ssrc, arrival);
        return RtpTestPackets.Read(datagram);
    }

    private static RtpHeaderFields? Generate(RtpStreamRewriter rewriter, long tick, TimeSpan now, byte payloadType = 8)
    {
        var datagram = new byte[RtpPacket.FixedHeaderLength + 160];
        return rewriter.WriteGenerated(datagram, payloadType, tick, now, 160) ? RtpTestPackets.Read(datagram) : null;
    }

    [Test]
    public void AStreamThatBeginsWithGeneratedAudioStartsAtTheRelaysOrigin()
    {
        var rewriter = new RtpStreamRewriter(0xAAAA0001, firstSequence: 1000, firstTimestamp: 5000);

        var first = Generate(rewriter, 7, TimeSpan.Zero)!;
        var second = Generate(rewriter, 8, Ptime)!;

        Assert.That((first.Sequence, first.Timestamp, first.Ssrc, first.Marker, first.PayloadType), Is.EqualTo(((ushort)1000, 5000u, 0xAAAA0001u, true, (byte)8)));
        Assert.That((second.Sequence, second.Timestamp, second.Marker), Is.EqualTo(((ushort)1001, 5160u, false)));
    }

    [Test]
    public void ATickThatAlreadyHadItsFrameGetsNoSecond()
    {
        var rewriter = new RtpStreamRewriter(1, 0, 0);
        Generate(rewriter, 3, TimeSpan.Zero);

        Assert.That(Generate(rewriter, 3, TimeSpan.Zero), Is.Null);
        Assert.That(Generate(rewriter, 4, Ptime)!.Sequence, Is.EqualTo((ushort)1));
    }

    [Test]
    public void AfterALongPauseInRelayedAudioTheGeneratedTalkspurtStartsWhereTheTimeIs()
    {
        var rewriter = new RtpStreamRewriter(1, firstSequence: 10, firstTimestamp: 0);
        var relayed = Relay(rewriter, 500, 0xB0B0, TimeSpan.Zero);

        var generated = Generate(rewriter, 0, TimeSpan.FromSeconds(1))!;

        Assert.That(generated.Sequence, Is.EqualTo((ushort)(relayed.Sequence + 1)));
        Assert.That(generated.Timestamp - relayed.Timestamp, Is.EqualTo(8000u), "one second at 8 kHz");
        Assert.That(generated.Marker, Is.True);
    }

    [Test]
    public void TheSameSourceRelayedAgainAfterGeneratedAudioIsReanchored()
    {
        var rewriter = new RtpStreamRewriter(1, firstSequence: 10, firstTimestamp: 0);
        Relay(rewriter, 500, 0xB0B0, TimeSpan.Zero);
        var last = Generate(rewriter, 1, Ptime)!;
        rewriter.EndGenerated();

        // The source went on meanwhile: its sequence number jumped by the packets that were not forwarded.
        var resumed = Relay(rewriter, 530, 0xB0B0, Ptime * 2);
        var next = Relay(rewriter, 531, 0xB0B0, Ptime * 3);

        Assert.That((resumed.Sequence, resumed.Marker), Is.EqualTo(((ushort)(last.Sequence + 1), true)));
        Assert.That(resumed.Timestamp - last.Timestamp, Is.EqualTo(160u), "no overlap with the generated frame");
        Assert.That((next.Sequence, next.Timestamp, next.Marker), Is.EqualTo(((ushort)(resumed.Sequence + 1), resumed.Timestamp + 160, false)));
        Assert.That(rewriter.IsGenerating, Is.False);
    }
}
