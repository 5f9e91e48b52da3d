using System.Net;
using System.Net.Sockets;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;
using CallCenter.Media.Rtp;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Media.Relay;

/// <summary>The per-packet decisions of a relay, driven without sockets (as the relay's loops drive them).</summary>
public sealed class MediaRelayForwardingTests
{
    private static readonly IPEndPoint SdpA = new(IPAddress.Parse("192.0.2.10"), 4000);
    private static readonly IPEndPoint SdpB = new(IPAddress.Parse("198.51.100.20"), 6000);
    private static readonly IPEndPoint NatA = new(IPAddress.Parse("203.0.113.5"), 7777);
    private static readonly IPEndPoint Attacker = new(IPAddress.Parse("203.0.113.66"), 1234);
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);

    private FakeTimeProvider _time = null!;
    private RecordingRelayObserver _observer = null!;
    private MediaRelay _relay = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _observer = new RecordingRelayObserver();
        _relay = new MediaRelay(1, _observer, _time, NullLogger.Instance, new MediaLogGate(), null, null, AddressFamily.InterNetwork, "test"u8.ToArray(), null);
    }

    private static MediaLegSettings Leg(IPEndPoint remote, AudioCodec codec = AudioCodec.Pcmu, byte? events = 101) => new()
    {
        RemoteRtp = remote,
        Codec = codec,
        PayloadType = codec == AudioCodec.Pcmu ? (byte)0 : (byte)8,
        TelephoneEventPayloadType = events,
    };

    private void ConfigureBoth(AudioCodec codecA = AudioCodec.Pcmu, AudioCodec codecB = AudioCodec.Pcmu, byte? eventsB = 96)
    {
        _relay.Configure(MediaLegSide.A, Leg(SdpA, codecA));
        _relay.Configure(MediaLegSide.B, Leg(SdpB, codecB, eventsB));
    }

    private ForwardDecision Send(MediaLegSide side, byte[] datagram, IPEndPoint from) =>
        _relay.ProcessRtp(_relay.Leg(side), datagram, from.Serialize());

    private static byte[] Audio(ushort sequence, uint ssrc = 0x1111, byte payloadType = 0) =>
        RtpTestPackets.Audio(payloadType, sequence, sequence * 160u, ssrc, RtpTestPackets.Frame(sequence));

    private static IPEndPoint? Where(ForwardDecision decision) =>
        decision.Destination is null ? null : (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(decision.Destination);

    private MediaLegStatistics Stats(MediaLegSide side) => _relay.Statistics[side];

    [Test]
    public void NothingIsForwardedUntilBothLegsAreConfigured()
    {
        Assert.That(Send(MediaLegSide.A, Audio(1), SdpA).Forward, Is.False);
        _relay.Configure(MediaLegSide.A, Leg(SdpA));
        Assert.That(Send(MediaLegSide.A, Audio(2), SdpA).Forward, Is.False, "B has no address yet");
        _relay.Configure(MediaLegSide.B, Leg(SdpB));

        var decision = Send(MediaLegSide.A, Audio(3), SdpA);

        Assert.That(Where(decision), Is.EqualTo(SdpB));
        Assert.That(decision.PayloadLength, Is.EqualTo(160));
        Assert.That(Stats(MediaLegSide.A).NotForwarded, Is.EqualTo(2));
        Assert.That(Stats(MediaLegSide.A).PacketsIn, Is.EqualTo(3));
    }

    [Test]
    public void SettingsThatCannotWorkAreRefusedAtConfigure()
    {
        Assert.That(() => _relay.Configure(MediaLegSide.A, Leg(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 4000))), Throws.ArgumentException, "IPv6 phone, IPv4 relay");
        Assert.That(() => _relay.Configure(MediaLegSide.A, Leg(SdpA) with { PayloadType = 72 }), Throws.InstanceOf<ArgumentOutOfRangeException>(), "RTCP's range");
        Assert.That(() => _relay.Configure(MediaLegSide.A, Leg(SdpA, events: 0)), Throws.ArgumentException, "audio and events on one number");
        Assert.That(() => _relay.Configure(MediaLegSide.A, Leg(new IPEndPoint(SdpA.Address, 0))), Throws.ArgumentException, "port 0 is a rejected stream");

        _relay.Configure(MediaLegSide.A, Leg(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.10"), 4000)));
        Assert.That(Stats(MediaLegSide.A).Remote, Is.EqualTo(SdpA), "a mapped address is the IPv4 one");
    }

    [Test]
    public void AudioLeavesWithTheRelaysOwnStreamHeader()
    {
        ConfigureBoth();
        var first = Audio(100);
        var second = Audio(101);
        Send(MediaLegSide.A, first, SdpA);
        _time.Advance(Ptime);
        Send(MediaLegSide.A, second, SdpA);

        var one = RtpTestPackets.Read(first);
        var two = RtpTestPackets.Read(second);
        Assert.That(one.Ssrc, Is.Not.EqualTo(0x1111u));
        Assert.That(two.Ssrc, Is.EqualTo(one.Ssrc));
        Assert.That(two.Sequence, Is.EqualTo((ushort)(one.Sequence + 1)));
        Assert.That(two.Timestamp - one.Timestamp, Is.EqualTo(160u));
        Assert.That(two.Payload, Is.EqualTo(RtpTestPackets.Frame(101)), "same codec on both legs: payload untouched");
        Assert.That(Stats(MediaLegSide.A).Latched, Is.True);
        Assert.That(Stats(MediaLegSide.A).LatchChanges, Is.Zero, "the phone sent from where its SDP said");
    }

    [Test]
    public void APhoneBehindNatIsAnsweredWhereItReallySendsFrom()
    {
        ConfigureBoth();
        Send(MediaLegSide.A, Audio(1), NatA);

        var back = Send(MediaLegSide.B, Audio(1, 0x2222), SdpB);

        Assert.That(Where(back), Is.EqualTo(NatA));
        Assert.That(Stats(MediaLegSide.A).LatchChanges, Is.EqualTo(1));
        Assert.That(Stats(MediaLegSide.A).Remote, Is.EqualTo(NatA));
        Assert.That(_relay.Leg(MediaLegSide.A).Destination!.RtcpEndPoint, Is.EqualTo(new IPEndPoint(NatA.Address, NatA.Port + 1)), "RTCP guessed one port up");
    }

    [Test]
    public void OnceLatchedOtherSourcesAreDroppedButTheSdpAddressMayTakeTheLatchBack()
    {
        ConfigureBoth();
        Send(MediaLegSide.A, Audio(1), NatA);

        Assert.That(Send(MediaLegSide.A, Audio(2), Attacker).Forward, Is.False);
        Assert.That(Where(Send(MediaLegSide.B, Audio(1, 0x2222), SdpB)), Is.EqualTo(NatA), "the hijack attempt changed nothing");
        Assert.That(Stats(MediaLegSide.A).ForeignSource, Is.EqualTo(1));

        Assert.That(Send(MediaLegSide.A, Audio(3), SdpA).Forward, Is.True);
        Assert.That(Where(Send(MediaLegSide.B, Audio(2, 0x2222), SdpB)), Is.EqualTo(SdpA));
        Assert.That(Send(MediaLegSide.A, Audio(4), NatA).Forward, Is.False, "now the earlier source is the stranger");
        Assert.That(Stats(MediaLegSide.A).LatchChanges, Is.EqualTo(2));
    }

    [Test]
    public void PacketsThatDoNotFitTheNegotiationCannotLatch()
    {
        ConfigureBoth();
        Assert.That(Send(MediaLegSide.A, Audio(1, payloadType: 18), Attacker).Forward, Is.False);
        Assert.That(Send(MediaLegSide.A, [0x80, 0x00, 0x01], Attacker).Forward, Is.False);
        Assert.That(Send(MediaLegSide.A, new byte[20], Attacker).Forward, Is.False);

        Assert.That(Send(MediaLegSide.A, Audio(2), NatA).Forward, Is.True);
        Assert.That(Stats(MediaLegSide.A).Remote, Is.EqualTo(NatA));
        Assert.That(Stats(MediaLegSide.A).UnexpectedPayloadType, Is.EqualTo(1));
        Assert.That(Stats(MediaLegSide.A).Garbage, Is.EqualTo(2));
    }

    [Test]
    public void EachOfferAnswerOpensTheLatchAgain()
    {
        ConfigureBoth();
        Send(MediaLegSide.A, Audio(1), NatA);
        var moved = new IPEndPoint(IPAddress.Parse("192.0.2.99"), 4100);
        var movedNat = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 5100);

        _relay.Configure(MediaLegSide.A, Leg(moved));
        Assert.That(Where(Send(MediaLegSide.B, Audio(1, 0x2222), SdpB)), Is.EqualTo(moved), "a new address: the SDP's until the phone speaks");
        Assert.That(Send(MediaLegSide.A, Audio(2, 0x3333), movedNat).Forward, Is.True);
        Assert.That(Where(Send(MediaLegSide.B, Audio(2, 0x2222), SdpB)), Is.EqualTo(movedNat));
        Assert.That(Send(MediaLegSide.A, Audio(3), NatA).Forward, Is.False);
    }

    [Test]
    public void AReofferToTheSameAddressKeepsTheLatchedSourceUntilThePhoneSpeaks()
    {
        ConfigureBoth();
        Send(MediaLegSide.A, Audio(1), NatA);
        _relay.Configure(MediaLegSide.A, Leg(SdpA) with { TelephoneEventPayloadType = null });

        Assert.That(Where(Send(MediaLegSide.B, Audio(1, 0x2222), SdpB)), Is.EqualTo(NatA), "the SDP address is the private one behind the NAT");
        Assert.That(Stats(MediaLegSide.A).Latched, Is.False);
        Send(MediaLegSide.A, Audio(2), NatA);
        Assert.That(Stats(MediaLegSide.A).LatchChanges, Is.EqualTo(1), "latching again to the same source is not a change");
    }

    [Test]
    public void PcmuIsConvertedToPcmaByTheTable()
    {
        ConfigureBoth(AudioCodec.Pcmu, AudioCodec.Pcma);
        var payload = Enumerable.Range(0, 160).Select(i => (byte)(i + 90)).ToArray();
        var datagram = RtpTestPackets.Audio(0, 1, 0, 0x1111, payload);

        Send(MediaLegSide.A, datagram, SdpA);

        var sent = RtpTestPackets.Read(datagram);
        Assert.That(sent.PayloadType, Is.EqualTo(8));
        Assert.That(sent.Payload, Is.EqualTo(payload.Select(G711.MuLawToALaw).ToArray()));

        var reverse = RtpTestPackets.Audio(8, 1, 0, 0x2222, payload);
        Send(MediaLegSide.B, reverse, SdpB);
        Assert.That(RtpTestPackets.Read(reverse).PayloadType, Is.EqualTo(0));
        Assert.That(RtpTestPackets.Read(reverse).Payload, Is.EqualTo(payload.Select(G711.ALawToMuLaw).ToArray()));
    }

    [Test]
    public void EventsAreRenumberedForTheOtherLegAndReportedOncePerPress()
    {
        ConfigureBoth();
        var frames = TelephoneEventSender.Plan(5, TimeSpan.FromMilliseconds(100), Ptime);
        var payloadTypes = new List<byte>();
        for (var i = 0; i < frames.Count; i++)
        {
            var datagram = RtpTestPackets.Event(101, (ushort)(10 + i), 16000, 0x1111, frames[i]);
            Assert.That(Send(MediaLegSide.A, datagram, SdpA).Forward, Is.True);
            payloadTypes.Add(RtpTestPackets.Read(datagram).PayloadType);
        }

        Assert.That(payloadTypes, Is.All.EqualTo(96));
        var digits = _observer.DrainDigits();
        Assert.That(digits.Select(d => (d.From, d.Digit.Symbol)), Is.EqualTo(new[] { (MediaLegSide.A, '5') }));
        Assert.That(Stats(MediaLegSide.A).Digits, Is.EqualTo(1));
    }

    [Test]
    public void EventsForALegWithoutTelephoneEventAreReportedButNotSent()
    {
        ConfigureBoth(eventsB: null);
        var frame = TelephoneEventSender.Plan(11, TimeSpan.FromMilliseconds(40), Ptime)[0];

        Assert.That(Send(MediaLegSide.A, RtpTestPackets.Event(101, 1, 800, 0x1111, frame), SdpA).Forward, Is.False);
        Assert.That(_observer.DrainDigits().Single().Digit.Symbol, Is.EqualTo('#'));
    }

    [Test]
    public void ANewSsrcOnOneSideIsInvisibleToTheOther()
    {
        ConfigureBoth();
        var out1 = new List<RtpHeaderFields>();
        for (ushort s = 0; s < 3; s++)
        {
            var d = Audio(s, 0x1111);
            Send(MediaLegSide.A, d, SdpA);
            out1.Add(RtpTestPackets.Read(d));
            _time.Advance(Ptime);
        }

        var switched = RtpTestPackets.Audio(0, 40000, 999_999, 0x9999, RtpTestPackets.Frame(1));
        Send(MediaLegSide.A, switched, SdpA);
        var after = RtpTestPackets.Read(switched);

        Assert.That(after.Ssrc, Is.EqualTo(out1[0].Ssrc));
        Assert.That(after.Sequence, Is.EqualTo((ushort)(out1[2].Sequence + 1)));
        Assert.That(after.Timestamp, Is.EqualTo(out1[2].Timestamp + 160));
        Assert.That(Stats(MediaLegSide.A).SourceChanges, Is.EqualTo(1));
    }

    [Test]
    public void AThrowingObserverCostsACountAndNothingElse()
    {
        ConfigureBoth();
        _observer.ThrowOnDigit = true;
        var frame = TelephoneEventSender.Plan(1, TimeSpan.FromMilliseconds(40), Ptime)[0];

        Assert.That(Send(MediaLegSide.A, RtpTestPackets.Event(101, 1, 800, 0x1111, frame), SdpA).Forward, Is.True);
        Assert.That(Send(MediaLegSide.A, Audio(2), SdpA).Forward, Is.True);
        Assert.That(Stats(MediaLegSide.A).ObserverFaults, Is.EqualTo(1));
    }

    [Test]
    public void SilenceIsReportedOncePerSilenceAndOnlyForLegsThatExpectMedia()
    {
        _relay.Configure(MediaLegSide.A, Leg(SdpA));
        _relay.Configure(MediaLegSide.B, Leg(SdpB) with { ExpectsMedia = false });
        var timeout = TimeSpan.FromSeconds(5);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.That(_relay.CheckMediaTimeout(_time.GetTimestamp(), timeout), Is.Zero);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(_relay.CheckMediaTimeout(_time.GetTimestamp(), timeout), Is.EqualTo(1));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(_relay.CheckMediaTimeout(_time.GetTimestamp(), timeout), Is.Zero, "the same silence is not reported twice");

        Send(MediaLegSide.A, Audio(1), SdpA);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(_relay.CheckMediaTimeout(_time.GetTimestamp(), timeout), Is.EqualTo(1), "media came back and stopped again");

        Assert.That(_observer.DrainTimeouts(), Is.EqualTo(new[] { new RelayTimeout(MediaLegSide.A, TimeSpan.FromSeconds(6)), new RelayTimeout(MediaLegSide.A, TimeSpan.FromSeconds(5)) }));
    }

    [Test]
    public void RejectedPacketsDoNotKeepALegAlive()
    {
        ConfigureBoth();
        Send(MediaLegSide.A, Audio(1), SdpA);
        for (var i = 0; i < 6; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Send(MediaLegSide.A, Audio(2), Attacker);
        }

        Assert.That(_relay.CheckMediaTimeout(_time.GetTimestamp(), TimeSpan.FromSeconds(5)), Is.EqualTo(2), "both legs: A's packets were a stranger's, B sent none");
    }

    [Test]
    public void ThePhonesReportsAreReadAndItsOtherSourcesIgnored()
    {
        ConfigureBoth();
        var ours = _relay.Leg(MediaLegSide.B).Rewriter.Ssrc;
        var buffer = new byte[64];
        var length = RtcpWriter.WriteReceiverReport(buffer, 0x1111, new RtcpReportBlock(ours, 25, 3, 1000, 44, 0, 0));
        var rtcpA = new IPEndPoint(SdpA.Address, SdpA.Port + 1).Serialize();

        _relay.ProcessRtcp(_relay.Leg(MediaLegSide.A), buffer.AsSpan(0, length), rtcpA);
        _relay.ProcessRtcp(_relay.Leg(MediaLegSide.A), buffer.AsSpan(0, length), Attacker.Serialize());
        _relay.ProcessRtcp(_relay.Leg(MediaLegSide.A), buffer.AsSpan(0, 6), rtcpA);

        var stats = Stats(MediaLegSide.A);
        Assert.That((stats.PeerFractionLost, stats.PeerJitter), Is.EqualTo(((byte?)25, (uint?)44)));
        Assert.That((stats.RtcpIn, stats.RtcpForeignSource, stats.RtcpGarbage), Is.EqualTo((1L, 1L, 1L)));
    }

    [Test]
    public void OurReportToALegIsAnRrUntilWeSentItMediaThenAnSr()
    {
        ConfigureBoth();
        for (ushort s = 0; s < 10; s++)
        {
            Send(MediaLegSide.A, Audio(s), SdpA);
            _time.Advance(Ptime);
        }

        var legA = _relay.Leg(MediaLegSide.A);
        var ours = _relay.Leg(MediaLegSide.B).Rewriter.Ssrc;
        var rr = ReadReport(legA);
        Assert.That(rr.IsSender, Is.False);
        Assert.That(rr.Ssrc, Is.EqualTo(ours), "toward A we speak with the SSRC of what we forward from B");
        Assert.That(rr.Block!.Value.Ssrc, Is.EqualTo(0x1111u));
        Assert.That(rr.Block!.Value.ExtendedHighestSequence, Is.EqualTo(9u));
        Assert.That(rr.Cname, Is.EqualTo("test"));

        Interlocked.Add(ref legA.Counters.PacketsOut, 7);
        Interlocked.Add(ref legA.Counters.PayloadOctetsOut, 7 * 160);
        var sr = ReadReport(legA);
        Assert.That(sr.IsSender, Is.True);
        Assert.That((sr.Sender.PacketCount, sr.Sender.OctetCount), Is.EqualTo((7u, 1120u)));
        Assert.That(sr.Sender.NtpTimestamp >> 32, Is.EqualTo((ulong)(_time.GetUtcNow() - new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds));
        Assert.That(ReadReport(legA).IsSender, Is.False, "nothing was sent since the last report");
    }

    private sealed record ReportSeen(bool IsSender, uint Ssrc, RtcpSenderInfo Sender, RtcpReportBlock? Block, string Cname);

    private ReportSeen ReadReport(MediaLeg leg)
    {
        var length = _relay.WriteReport(leg, _time.GetElapsedTime(0));
        Assert.That(RtcpCompoundPacket.TryRead(leg.RtcpBuffer.AsSpan(0, length), out var compound, out var reason), Is.True, reason.ToString());
        ReportSeen? seen = null;
        var cname = string.Empty;
        foreach (var packet in compound)
        {
            if (packet.TryGetReport(out var report))
            {
                seen = new ReportSeen(report.IsSenderReport, report.Ssrc, report.SenderInfo, report.BlockCount > 0 ? report.GetBlock(0) : null, string.Empty);
            }
            else if (packet.PacketType == (byte)RtcpPacketType.SourceDescription)
            {
                cname = System.Text.Encoding.ASCII.GetString(packet.Body.Slice(6, packet.Body[5]));
            }
        }

        return seen! with { Cname = cname };
    }
}
