using System.Net;
using System.Net.Sockets;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Playback;
using CallCenter.Media.Relay;
using CallCenter.Media.Tones;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Media.Relay;

/// <summary>
/// Playing to a leg and listening for in-band digits, driven without sockets or threads: a fake clock, the pacing
/// loop run by hand (as its thread would at each tick), and generated packets caught by the relay's test sink.
/// </summary>
public sealed class MediaRelayPlaybackTests
{
    private static readonly IPEndPoint SdpA = new(IPAddress.Parse("192.0.2.10"), 4000);
    private static readonly IPEndPoint SdpB = new(IPAddress.Parse("198.51.100.20"), 6000);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    private FakeTimeProvider _time = null!;
    private PlaybackPacer _pacer = null!;
    private RecordingRelayObserver _observer = null!;
    private RecordingPlaybackObserver _finished = null!;
    private MediaRelay _relay = null!;
    private List<(MediaLegSide To, RtpHeaderFields Packet)> _sent = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _pacer = new PlaybackPacer(_time, NullLogger.Instance, dedicatedThread: false);
        _observer = new RecordingRelayObserver();
        _finished = new RecordingPlaybackObserver();
        _relay = NewRelay(1);
        _sent = [];
        _relay.PacketSink = (to, datagram) => _sent.Add((to, RtpTestPackets.Read(datagram)));
    }

    [TearDown]
    public async Task TearDown() => await _pacer.DisposeAsync();

    private MediaRelay NewRelay(long id) =>
        new(id, _observer, _time, NullLogger.Instance, new MediaLogGate(), null, null, AddressFamily.InterNetwork, "test"u8.ToArray(), null, null, _pacer);

    private static MediaLegSettings Leg(IPEndPoint remote, AudioCodec codec = AudioCodec.Pcmu, byte payloadType = 0, byte? events = 101) => new()
    {
        RemoteRtp = remote,
        Codec = codec,
        PayloadType = payloadType,
        TelephoneEventPayloadType = events,
    };

    private void ConfigureBoth(MediaRelay relay, AudioCodec codecA = AudioCodec.Pcmu, byte payloadTypeA = 0)
    {
        relay.Configure(MediaLegSide.A, Leg(SdpA, codecA, payloadTypeA));
        relay.Configure(MediaLegSide.B, Leg(SdpB, events: 96));
    }

    /// <summary>One tick of 20 ms passes and the pacing loop runs what is due.</summary>
    private int Step()
    {
        _time.Advance(Tick);
        return _pacer.RunDueTicks();
    }

    /// <summary>A packet from B's phone, as its receive loop would hand it over; the rewritten header if forwarded.</summary>
    private RtpHeaderFields? FromB(ushort sequence, uint ssrc = 0xB0B0)
    {
        var datagram = RtpTestPackets.Audio(0, sequence, sequence * 160u, ssrc, RtpTestPackets.Frame(sequence));
        var decision = _relay.ProcessRtp(_relay.Leg(MediaLegSide.B), datagram, SdpB.Serialize());
        return decision.Forward ? RtpTestPackets.Read(datagram.AsSpan(0, decision.Length)) : null;
    }

    private static short[] Ramp(int length, int seed = 0) =>
        Enumerable.Range(0, length).Select(n => (short)(6000 * Math.Sin((n + seed) * 0.05) * Math.Cos(n * 0.0031))).ToArray();

    private List<RtpHeaderFields> SentTo(MediaLegSide side) => _sent.Where(s => s.To == side).Select(s => s.Packet).ToList();

    private static void AssertContinuous(IReadOnlyList<RtpHeaderFields> packets)
    {
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.That(packets[i].Ssrc, Is.EqualTo(packets[0].Ssrc), $"packet {i}: one SSRC");
            Assert.That(packets[i].Sequence, Is.EqualTo((ushort)(packets[i - 1].Sequence + 1)), $"packet {i}: next sequence number");
            Assert.That(packets[i].Timestamp, Is.EqualTo(packets[i - 1].Timestamp + 160), $"packet {i}: 160 samples on");
            Assert.That(packets[i].Marker, Is.False, $"packet {i}: no marker inside the talkspurt");
        }
    }

    [TestCase(AudioCodec.Pcmu, (byte)0)]
    [TestCase(AudioCodec.Pcma, (byte)8)]
    [TestCase(AudioCodec.Pcma, (byte)97)]
    public void APromptSequenceArrivesAsOneStreamInTheLegsCodecAndDecodesToThePrompts(AudioCodec codec, byte payloadType)
    {
        ConfigureBoth(_relay, codec, payloadType);
        // Two prompts that do not end on a frame boundary: the second continues inside the first's last frame.
        var first = Ramp(1000);
        var second = Ramp(700, seed: 99);
        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(first, second), _finished);

        for (var i = 0; i < 20; i++)
        {
            Step();
        }

        var packets = SentTo(MediaLegSide.A);
        Assert.That(packets, Has.Count.EqualTo(11), "1700 samples in 160-sample frames");
        Assert.That(SentTo(MediaLegSide.B), Is.Empty);
        Assert.That(packets.Select(p => p.PayloadType), Is.All.EqualTo(payloadType));
        Assert.That(packets.Select(p => p.Payload.Length), Is.All.EqualTo(160));
        Assert.That(packets[0].Marker, Is.True, "a talkspurt starts");
        AssertContinuous(packets);

        // Exact G.711 round trip: the payloads are the prompts encoded, the last frame padded with silence.
        var expected = new short[11 * 160];
        first.CopyTo(expected, 0);
        second.CopyTo(expected, first.Length);
        var encoded = new byte[expected.Length];
        G711.Encode(codec, expected, encoded);
        Assert.That(packets.SelectMany(p => p.Payload).ToArray(), Is.EqualTo(encoded));

        Assert.That(_finished.DrainFinished(), Is.EqualTo(new[] { playback }), "reported once");
        Assert.That(playback.End, Is.EqualTo(PlaybackEnd.Finished));
        Assert.That(playback.FramesSent, Is.EqualTo(11));
        Assert.That(_relay.CurrentPlayback(MediaLegSide.A), Is.Null);
        Assert.That(_pacer.Playing, Is.Zero);
    }

    [Test]
    public void TheFinishIsReportedOnTheTickAfterTheLastFrameWentOut()
    {
        ConfigureBoth(_relay);
        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(320)), _finished);

        Step();
        Step();
        Assert.That(SentTo(MediaLegSide.A), Has.Count.EqualTo(2));
        Assert.That(_finished.DrainFinished(), Is.Empty, "the last frame has only just been sent");
        Step();
        Assert.That(_finished.DrainFinished(), Is.EqualTo(new[] { playback }));
        Assert.That(SentTo(MediaLegSide.A), Has.Count.EqualTo(2));
    }

    [Test]
    public void GeneratedAudioContinuesTheStreamTheLegHeardAndRelayedAudioResumesItAfterwards()
    {
        ConfigureBoth(_relay);
        var relayed = new List<RtpHeaderFields>();
        for (ushort s = 100; s < 103; s++)
        {
            relayed.Add(FromB(s)!);
            _time.Advance(Tick);
        }

        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(1600)), _finished);
        _pacer.RunDueTicks();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(FromB((ushort)(103 + i)), Is.Null, "B is not heard by A while A is played to");
            Step();
        }

        var generated = SentTo(MediaLegSide.A);
        Assert.That(generated, Has.Count.EqualTo(4));
        Assert.That(_relay.Stop(playback), Is.True);
        Assert.That(_relay.Stop(playback), Is.False, "already stopped");
        Step();
        Assert.That(SentTo(MediaLegSide.A), Has.Count.EqualTo(4), "nothing generated after the stop");
        var resumed = new[] { FromB(107)!, FromB(108)! };

        var ssrc = relayed[0].Ssrc;
        Assert.That(generated.Concat(resumed).Select(p => p.Ssrc), Is.All.EqualTo(ssrc), "one SSRC for A whoever feeds it");
        Assert.That(generated[0].Sequence, Is.EqualTo((ushort)(relayed[2].Sequence + 1)));
        Assert.That(generated[0].Marker, Is.True);
        Assert.That(generated[0].Timestamp - relayed[2].Timestamp, Is.EqualTo(160u), "one frame after the last relayed packet");
        AssertContinuous(generated);
        Assert.That(resumed[0].Sequence, Is.EqualTo((ushort)(generated[^1].Sequence + 1)), "B's dropped packets leave no gap");
        Assert.That(resumed[0].Marker, Is.True, "relayed audio starts a new talkspurt");
        Assert.That((int)(resumed[0].Timestamp - generated[^1].Timestamp), Is.GreaterThanOrEqualTo(160));
        Assert.That(resumed[1].Sequence, Is.EqualTo((ushort)(resumed[0].Sequence + 1)));
        Assert.That(resumed[1].Timestamp, Is.EqualTo(resumed[0].Timestamp + 160));
        Assert.That(_relay.Statistics.B.NotForwarded, Is.EqualTo(3));
        Assert.That(_finished.DrainFinished(), Is.Empty, "a stop is the owner's doing and is not reported");
        Assert.That(playback.End, Is.EqualTo(PlaybackEnd.Stopped));
    }

    [Test]
    public void APlaybackReplacedByAnotherKeepsTheStreamGoingWithoutABreak()
    {
        ConfigureBoth(_relay);
        var first = _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(8000)), _finished);
        Step();
        Step();
        var second = _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(480, seed: 7)), _finished);
        for (var i = 0; i < 5; i++)
        {
            Step();
        }

        var packets = SentTo(MediaLegSide.A);
        Assert.That(packets, Has.Count.EqualTo(2 + 3));
        Assert.That(packets[0].Marker, Is.True);
        AssertContinuous(packets);
        Assert.That(first.End, Is.EqualTo(PlaybackEnd.Replaced));
        Assert.That(_finished.DrainFinished(), Is.EqualTo(new[] { second }));
    }

    [Test]
    public void DigitsFromTheLegBeingPlayedToAreStillReported()
    {
        ConfigureBoth(_relay);
        _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(8000)), _finished);
        Step();
        foreach (var frame in TelephoneEventSender.Plan(7, TimeSpan.FromMilliseconds(100), Tick))
        {
            _relay.ProcessRtp(_relay.Leg(MediaLegSide.A), RtpTestPackets.Event(101, 1, 800, 0xA0A0, frame), SdpA.Serialize());
        }

        Assert.That(_observer.DrainDigits().Select(d => (d.From, d.Digit.Symbol)), Is.EqualTo(new[] { (MediaLegSide.A, '7') }));
    }

    [Test]
    public void APromptToALegWithoutADestinationLetsItsTimePassWithoutSending()
    {
        _relay.Configure(MediaLegSide.B, Leg(SdpB));
        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(480)), _finished);
        for (var i = 0; i < 4; i++)
        {
            Step();
        }

        Assert.That(_sent, Is.Empty);
        Assert.That(_finished.DrainFinished(), Is.EqualTo(new[] { playback }));
    }

    [Test]
    public void MusicOnHoldAdvancesOncePerTickForAllItsListeners()
    {
        var track = Ramp(8000);
        var music = MusicOnHoldClass.FromTracks("default", [track]);
        var relays = Enumerable.Range(2, 5).Select(id => NewRelay(id)).ToList();
        var heard = new List<(long Relay, MediaLegSide To, RtpHeaderFields Packet)>();
        foreach (var relay in relays)
        {
            ConfigureBoth(relay);
            relay.PacketSink = (to, datagram) => heard.Add((relay.Id, to, RtpTestPackets.Read(datagram)));
            relay.Play(MediaLegSide.A, new MusicOnHoldSource(music));
            relay.Play(MediaLegSide.B, new MusicOnHoldSource(music));
        }

        const int ticks = 12;
        for (var i = 0; i < ticks; i++)
        {
            Step();
        }

        Assert.That(music.Advances, Is.EqualTo(ticks), "ten listeners, one advance per tick");
        Assert.That(heard, Has.Count.EqualTo(ticks * 10));
        var encoded = new byte[track.Length];
        G711.EncodeMuLaw(track, encoded);
        foreach (var listener in heard.GroupBy(h => (h.Relay, h.To)))
        {
            var packets = listener.Select(h => h.Packet).ToList();
            AssertContinuous(packets);
            // Every listener hears the same point of the music: frames 1..12 of the loop.
            Assert.That(packets.SelectMany(p => p.Payload).ToArray(), Is.EqualTo(encoded.AsSpan(160, ticks * 160).ToArray()), listener.Key.ToString());
        }
    }

    [Test]
    public void EachTickMakesExactlyOneFramePerStream()
    {
        var relays = Enumerable.Range(2, 8).Select(id => NewRelay(id)).ToList();
        var counts = new Dictionary<long, int>();
        foreach (var relay in relays)
        {
            ConfigureBoth(relay);
            relay.PacketSink = (_, _) => counts[relay.Id] = counts.GetValueOrDefault(relay.Id) + 1;
            relay.Play(MediaLegSide.A, new ToneSource(CallProgressTones.For(ToneRegion.Europe, CallProgressTone.Ringback)));
        }

        Assert.That(_pacer.RunDueTicks(), Is.EqualTo(1), "the first tick is due when playing starts");
        Assert.That(_pacer.RunDueTicks(), Is.Zero, "and the next only 20 ms later");
        _time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.That(_pacer.RunDueTicks(), Is.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(_pacer.RunDueTicks(), Is.EqualTo(1));
        for (var i = 0; i < 10; i++)
        {
            Assert.That(Step(), Is.EqualTo(1));
        }

        Assert.That(counts.Values, Is.All.EqualTo(12));
        Assert.That(counts, Has.Count.EqualTo(8));
        Assert.That((_pacer.Ticks, _pacer.SkippedTicks, _pacer.Playing), Is.EqualTo((12L, 0L, 8)));
    }

    [Test]
    public void ALateTickIsCaughtUpWithinTheBoundAndTheRestIsSkippedWithATimestampJump()
    {
        ConfigureBoth(_relay);
        _relay.Play(MediaLegSide.A, new ToneSource(CallProgressTones.For(ToneRegion.Europe, CallProgressTone.Dial)));
        _pacer.RunDueTicks();
        Step();
        Step();
        Assert.That(SentTo(MediaLegSide.A), Has.Count.EqualTo(3));

        // A short stall (60 ms): every missed tick is made up at once.
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.That(_pacer.RunDueTicks(), Is.EqualTo(3));
        var packets = SentTo(MediaLegSide.A);
        Assert.That(packets, Has.Count.EqualTo(6));
        AssertContinuous(packets);

        // A long one (300 ms, 15 ticks): only the last MaxCatchUpTicks are made.
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.That(_pacer.RunDueTicks(), Is.EqualTo(PlaybackPacer.MaxCatchUpTicks));
        Assert.That(_pacer.SkippedTicks, Is.EqualTo(15 - PlaybackPacer.MaxCatchUpTicks));
        packets = SentTo(MediaLegSide.A);
        Assert.That(packets, Has.Count.EqualTo(6 + PlaybackPacer.MaxCatchUpTicks));
        var afterGap = packets[6];
        Assert.That(afterGap.Sequence, Is.EqualTo((ushort)(packets[5].Sequence + 1)), "no sequence gap: nothing was lost");
        Assert.That(afterGap.Timestamp - packets[5].Timestamp, Is.EqualTo((uint)(160 * (15 - PlaybackPacer.MaxCatchUpTicks + 1))), "the skipped time");
        Assert.That(afterGap.Marker, Is.True);
        AssertContinuous(packets.Skip(6).ToList());
        Step();
        Assert.That(SentTo(MediaLegSide.A), Has.Count.EqualTo(7 + PlaybackPacer.MaxCatchUpTicks), "back on schedule");
    }

    [Test]
    public void AfterIdleTheScheduleStartsAgainWithoutCatchingUp()
    {
        ConfigureBoth(_relay);
        _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(160)), _finished);
        Step();
        Step();
        _time.Advance(TimeSpan.FromSeconds(5));
        _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(320)), _finished);

        Assert.That(_pacer.RunDueTicks(), Is.EqualTo(1));
        Assert.That(_pacer.SkippedTicks, Is.Zero);
    }

    [Test]
    public void ThePromptAnObserverStartsOnFinishingKeepsTheBeat()
    {
        ConfigureBoth(_relay);
        var chained = new ChainingObserver(_relay, PromptSource.Of(Ramp(320, seed: 5)));
        _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(160)), chained);
        _pacer.RunDueTicks();
        Step();
        Assert.That(chained.Next, Is.Not.Null, "the first prompt finished on the second tick");

        Assert.That(_pacer.RunDueTicks(), Is.Zero, "the next prompt waits for the next tick");
        Step();
        Step();
        var packets = SentTo(MediaLegSide.A);
        Assert.That(packets, Has.Count.EqualTo(3));
        Assert.That(packets[1].Marker, Is.True, "a new talkspurt");
        Assert.That(packets[1].Sequence, Is.EqualTo((ushort)(packets[0].Sequence + 1)));
        Assert.That(packets[1].Timestamp - packets[0].Timestamp, Is.EqualTo(2 * 160u), "the tick between them counts");
        Assert.That(_pacer.SkippedTicks, Is.Zero);
    }

    [Test]
    public async Task AClosedRelayIsDroppedFromThePacingLoop()
    {
        ConfigureBoth(_relay);
        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(8000)), _finished);
        Step();
        await _relay.DisposeAsync();
        Step();

        Assert.That(playback.End, Is.EqualTo(PlaybackEnd.Closed));
        Assert.That(SentTo(MediaLegSide.A), Has.Count.EqualTo(1), "the frame before the close, none after");
        Assert.That(_pacer.Playing, Is.Zero);
        Assert.That(_finished.DrainFinished(), Is.Empty);
    }

    [Test]
    public void ASourceThatThrowsEndsItsPlaybackOnly()
    {
        ConfigureBoth(_relay);
        var other = NewRelay(2);
        ConfigureBoth(other);
        var faulty = _relay.Play(MediaLegSide.A, new ThrowingSource());
        var fine = other.Play(MediaLegSide.A, PromptSource.Of(Ramp(1600)));
        Step();

        Assert.That(faulty.End, Is.EqualTo(PlaybackEnd.Faulted));
        Assert.That(fine.HasEnded, Is.False);
        Assert.That(fine.FramesSent, Is.EqualTo(1));
        Assert.That(FromB(1), Is.Not.Null, "A hears B again");
    }

    [TestCase(AudioCodec.Pcmu)]
    [TestCase(AudioCodec.Pcma)]
    public void InBandDigitsAreReportedOnceEachWhenDetectionIsOn(AudioCodec codec)
    {
        ConfigureBoth(_relay, codec, codec == AudioCodec.Pcmu ? (byte)0 : (byte)8);
        _relay.DetectInBandDigits(MediaLegSide.A, true);
        foreach (var datagram in InBandDtmfRtp.Packets("159#", codec, ssrc: 0xA0A0))
        {
            Assert.That(_relay.ProcessRtp(_relay.Leg(MediaLegSide.A), datagram, SdpA.Serialize()).Forward, Is.True, "the audio is still relayed");
        }

        var digits = _observer.DrainDigits();
        Assert.That(digits.Select(d => d.Digit.Symbol), Is.EqualTo("159#".ToCharArray()));
        Assert.That(digits.Select(d => d.From), Is.All.EqualTo(MediaLegSide.A));
        Assert.That(_relay.Statistics.A.Digits, Is.EqualTo(4));
    }

    /// <summary>A phone that sends its keys both as RFC 4733 events and as tones in its audio presses once per key: a
    /// tone heard first is not reported again by its late event, and once events came, tones are no longer heard.</summary>
    [Test]
    public void APhoneSendingBothEventsAndTonesPressesOncePerKey()
    {
        ConfigureBoth(_relay);
        _relay.DetectInBandDigits(MediaLegSide.A, true);
        var legA = _relay.Leg(MediaLegSide.A);

        // Key 5: the tone (from sample 800, after 100 ms of silence) is recognised before its event arrives.
        foreach (var datagram in InBandDtmfRtp.Packets("5", AudioCodec.Pcmu, ssrc: 0xA0A0))
        {
            _relay.ProcessRtp(legA, datagram, SdpA.Serialize());
        }

        _relay.ProcessRtp(legA, EventPacket(5, 100, 800), SdpA.Serialize());

        // Key 7: the event first, then the tone.
        _relay.ProcessRtp(legA, EventPacket(7, 101, 8000), SdpA.Serialize());
        foreach (var datagram in InBandDtmfRtp.Packets("7", AudioCodec.Pcmu, ssrc: 0xA0A0))
        {
            _relay.ProcessRtp(legA, datagram, SdpA.Serialize());
        }

        Assert.That(_observer.DrainDigits().Select(d => d.Digit.Symbol), Is.EqualTo("57".ToCharArray()));
        Assert.That(_relay.Statistics.A.Digits, Is.EqualTo(2));
    }

    /// <summary>The tone of one key and the event of another right after it are two presses.</summary>
    [Test]
    public void AnEventOfAnotherKeyThanTheToneJustHeardIsItsOwnPress()
    {
        ConfigureBoth(_relay);
        _relay.DetectInBandDigits(MediaLegSide.A, true);
        var legA = _relay.Leg(MediaLegSide.A);
        foreach (var datagram in InBandDtmfRtp.Packets("5", AudioCodec.Pcmu, ssrc: 0xA0A0))
        {
            _relay.ProcessRtp(legA, datagram, SdpA.Serialize());
        }

        _relay.ProcessRtp(legA, EventPacket(6, 100, 800), SdpA.Serialize());

        Assert.That(_observer.DrainDigits().Select(d => d.Digit.Symbol), Is.EqualTo("56".ToCharArray()));
    }

    private static byte[] EventPacket(byte code, ushort sequence, uint timestamp) =>
        RtpTestPackets.Event(101, sequence, timestamp, 0xA0A0, new TelephoneEventFrame(TimeSpan.Zero, true, new TelephoneEvent(code, false, 10, 160)));

    [Test]
    public void InBandDigitsAreNotListenedForUnlessAsked()
    {
        ConfigureBoth(_relay);
        foreach (var datagram in InBandDtmfRtp.Packets("159#", AudioCodec.Pcmu, ssrc: 0xA0A0))
        {
            _relay.ProcessRtp(_relay.Leg(MediaLegSide.A), datagram, SdpA.Serialize());
        }

        _relay.DetectInBandDigits(MediaLegSide.B, true);
        foreach (var datagram in InBandDtmfRtp.Packets("2", AudioCodec.Pcmu, ssrc: 0xA0A1))
        {
            _relay.ProcessRtp(_relay.Leg(MediaLegSide.A), datagram, SdpA.Serialize());
        }

        _relay.DetectInBandDigits(MediaLegSide.A, true);
        _relay.DetectInBandDigits(MediaLegSide.A, false);
        foreach (var datagram in InBandDtmfRtp.Packets("3", AudioCodec.Pcmu, ssrc: 0xA0A2))
        {
            _relay.ProcessRtp(_relay.Leg(MediaLegSide.A), datagram, SdpA.Serialize());
        }

        Assert.That(_observer.DrainDigits(), Is.Empty);
    }

    [Test]
    public void PlayingNeedsAPacingLoop()
    {
        var relay = new MediaRelay(9, _observer, _time, NullLogger.Instance, new MediaLogGate(), null, null, AddressFamily.InterNetwork, "test"u8.ToArray(), null);
        Assert.That(() => relay.Play(MediaLegSide.A, PromptSource.Of(Ramp(160))), Throws.InvalidOperationException);
    }

    private sealed class ChainingObserver(MediaRelay relay, IPlaybackSource next) : IPlaybackObserver
    {
        public RelayPlayback? Next { get; private set; }

        public void OnPlaybackFinished(RelayPlayback playback) => Next ??= relay.Play(playback.Side, next, this);
    }

    private sealed class ThrowingSource : IPlaybackSource
    {
        public bool TryRead(long tick, AudioCodec codec, Span<byte> payload) => throw new InvalidOperationException("a source bug, injected by the test");
    }
}
