using System.Diagnostics;
using System.Net;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Playback;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Media;

/// <summary>
/// A real relay manager (its pacing thread on the system clock) plays to phones on loopback, and hears their digits
/// while it does: what an IVR or a queue will ask of it. Run with the event loop and with the runtime's async sockets,
/// since generated frames are sent from the pacing thread on sockets that either one reads.
/// </summary>
[TestFixture(true)]
[TestFixture(false)]
public sealed class MediaRelayPlaybackLoopbackTests(bool useEventLoop)
{
    private static readonly TimeSpan Ptime = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private MediaRelayManager _manager = null!;
    private RecordingRelayObserver _observer = null!;
    private RecordingPlaybackObserver _finished = null!;
    private MediaRelay _relay = null!;
    private TestPhone _phoneA = null!;
    private TestPhone _phoneB = null!;

    [SetUp]
    public void SetUp()
    {
        _manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 42400, PortMax = 42599, UseEventLoop = useEventLoop, EventLoops = 1 },
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        _observer = new RecordingRelayObserver();
        _finished = new RecordingPlaybackObserver();
        _relay = NewRelay();
        _phoneA = TestPhone.Open();
        _phoneB = TestPhone.Open();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _manager.DisposeAsync().AsTask().WaitAsync(TestPhone.Patience);
        _phoneA.Dispose();
        _phoneB.Dispose();
    }

    private MediaRelay NewRelay()
    {
        Assert.That(_manager.TryCreateRelay(_observer, out var relay, out var error), Is.True, error.ToString());
        return relay!;
    }

    private static MediaLegSettings Settings(TestPhone phone, AudioCodec codec = AudioCodec.Pcmu, byte? events = 101) => new()
    {
        RemoteRtp = phone.RtpEndPoint,
        RemoteRtcp = phone.RtcpEndPoint,
        Codec = codec,
        PayloadType = codec == AudioCodec.Pcmu ? (byte)0 : (byte)8,
        TelephoneEventPayloadType = events,
    };

    private static void ConfigureBoth(MediaRelay relay, TestPhone a, TestPhone b, AudioCodec codecA = AudioCodec.Pcmu)
    {
        relay.Configure(MediaLegSide.A, Settings(a, codecA));
        relay.Configure(MediaLegSide.B, Settings(b, events: 96));
    }

    private static byte[] Audio(ushort sequence, uint ssrc) =>
        RtpTestPackets.Audio(0, sequence, sequence * 160u, ssrc, RtpTestPackets.Frame(sequence));

    /// <summary>Everything the phone receives until it has been quiet for <see cref="Quiet"/>.</summary>
    private static async Task<List<RtpHeaderFields>> ReceiveUntilQuietAsync(TestPhone phone, int atMost = 500)
    {
        var packets = new List<RtpHeaderFields>();
        while (packets.Count < atMost && await phone.TryReceiveRtpAsync(Quiet) is { } datagram)
        {
            packets.Add(RtpTestPackets.Read(datagram));
        }

        return packets;
    }

    /// <summary>A prompt-like signal: a chirp under a slow envelope, never silent for long.</summary>
    private static short[] Prompt(int samples) =>
        Enumerable.Range(0, samples).Select(n => (short)(8000 * Math.Sin(2 * Math.PI * (300 + (n * 0.2)) * n / 8000) * (0.6 + (0.4 * Math.Sin(n / 400.0))))).ToArray();

    [TestCase(AudioCodec.Pcmu)]
    [TestCase(AudioCodec.Pcma)]
    public async Task A_prompt_reaches_the_phone_paced_in_its_codec_and_the_other_phone_is_heard_again_afterwards(AudioCodec codec)
    {
        ConfigureBoth(_relay, _phoneA, _phoneB, codec);
        _phoneB.SendRtp(Audio(1, 0xB0B0), _relay.LocalRtpEndPoint(MediaLegSide.B));
        var before = RtpTestPackets.Read(await _phoneA.ReceiveRtpAsync());

        var prompt = Prompt(25 * 160);
        var clock = Stopwatch.StartNew();
        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(prompt), _finished);
        // B keeps talking during the prompt; A must not hear it.
        for (ushort s = 2; s < 6; s++)
        {
            _phoneB.SendRtp(Audio(s, 0xB0B0), _relay.LocalRtpEndPoint(MediaLegSide.B));
        }

        Assert.That(await _finished.NextFinishedAsync(TestPhone.Patience), Is.SameAs(playback));
        var elapsed = clock.Elapsed;
        var played = await ReceiveUntilQuietAsync(_phoneA);

        Assert.That(played, Has.Count.EqualTo(25));
        Assert.That(elapsed, Is.GreaterThan(TimeSpan.FromMilliseconds(400)), "paced at 20 ms, not sent in a burst");
        Assert.That(played.Select(p => p.PayloadType), Is.All.EqualTo(codec == AudioCodec.Pcmu ? 0 : 8));
        Assert.That(played.Select(p => p.Ssrc), Is.All.EqualTo(before.Ssrc));
        Assert.That(played[0].Marker, Is.True);
        Assert.That(played[0].Sequence, Is.EqualTo((ushort)(before.Sequence + 1)));
        Assert.That((int)(played[0].Timestamp - before.Timestamp), Is.GreaterThanOrEqualTo(160));
        for (var i = 1; i < played.Count; i++)
        {
            Assert.That((played[i].Sequence, played[i].Timestamp, played[i].Marker), Is.EqualTo(((ushort)(played[0].Sequence + i), played[0].Timestamp + (160u * (uint)i), false)), $"packet {i}");
        }

        var expected = new byte[prompt.Length];
        G711.Encode(codec, prompt, expected);
        Assert.That(played.SelectMany(p => p.Payload).ToArray(), Is.EqualTo(expected), "the prompt, exactly as G.711 encodes it");

        _phoneB.SendRtp(Audio(40, 0xB0B0), _relay.LocalRtpEndPoint(MediaLegSide.B));
        _phoneB.SendRtp(Audio(41, 0xB0B0), _relay.LocalRtpEndPoint(MediaLegSide.B));
        var after = new[] { RtpTestPackets.Read(await _phoneA.ReceiveRtpAsync()), RtpTestPackets.Read(await _phoneA.ReceiveRtpAsync()) };
        Assert.That(after[0].Payload, Is.EqualTo(codec == AudioCodec.Pcmu ? RtpTestPackets.Frame(40) : RtpTestPackets.Frame(40).Select(G711.MuLawToALaw).ToArray()));
        Assert.That((after[0].Ssrc, after[0].Sequence, after[0].Marker), Is.EqualTo((before.Ssrc, (ushort)(played[^1].Sequence + 1), true)));
        Assert.That((int)(after[0].Timestamp - played[^1].Timestamp), Is.GreaterThanOrEqualTo(160));
        Assert.That((after[1].Sequence, after[1].Timestamp), Is.EqualTo(((ushort)(after[0].Sequence + 1), after[0].Timestamp + 160)));
    }

    [Test]
    public async Task A_prompt_stopped_midway_sends_nothing_more()
    {
        ConfigureBoth(_relay, _phoneA, _phoneB);
        var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(Prompt(8000 * 5)), _finished);
        for (var i = 0; i < 5; i++)
        {
            await _phoneA.ReceiveRtpAsync();
        }

        Assert.That(_relay.Stop(playback), Is.True);
        var late = await ReceiveUntilQuietAsync(_phoneA);

        Assert.That(late, Has.Count.LessThanOrEqualTo(2), "at most what was in flight");
        Assert.That(playback.FramesSent, Is.InRange(5, 7));
        Assert.That(playback.End, Is.EqualTo(PlaybackEnd.Stopped));
        Assert.That(_finished.DrainFinished(), Is.Empty);
    }

    [Test]
    public async Task Music_on_hold_listeners_share_one_advance_per_tick()
    {
        var track = Prompt(8000 * 4);
        var music = MusicOnHoldClass.FromTracks("default", [track]);
        var phones = Enumerable.Range(0, 3).Select(_ => (A: TestPhone.Open(), B: TestPhone.Open())).ToList();
        try
        {
            foreach (var (a, b) in phones)
            {
                var relay = NewRelay();
                ConfigureBoth(relay, a, b);
                relay.Play(MediaLegSide.A, new MusicOnHoldSource(music));
            }

            var heard = new List<List<RtpHeaderFields>>();
            foreach (var (a, _) in phones)
            {
                var packets = new List<RtpHeaderFields>();
                for (var i = 0; i < 10; i++)
                {
                    packets.Add(RtpTestPackets.Read(await a.ReceiveRtpAsync()));
                }

                heard.Add(packets);
            }

            var encoded = new byte[track.Length];
            G711.EncodeMuLaw(track, encoded);
            var advances = music.Advances;
            Assert.That(advances, Is.LessThan(3 * 10), "not one advance per listener");
            foreach (var packets in heard)
            {
                // Ten consecutive frames of the loop, wherever this listener joined it.
                var payload = packets.SelectMany(p => p.Payload).ToArray();
                var start = encoded.AsSpan().IndexOf(payload.AsSpan(0, 160));
                Assert.That(start % 160, Is.Zero);
                Assert.That(payload, Is.EqualTo(encoded.AsSpan(start, 1600).ToArray()));
            }
        }
        finally
        {
            foreach (var (a, b) in phones)
            {
                a.Dispose();
                b.Dispose();
            }
        }
    }

    [Test]
    public async Task Rfc4733_digits_from_the_phone_being_played_to_are_reported_once_each()
    {
        ConfigureBoth(_relay, _phoneA, _phoneB);
        _relay.Play(MediaLegSide.A, PromptSource.Of(Prompt(8000 * 5)), _finished);
        ushort sequence = 1;
        foreach (var (code, timestamp) in new[] { ((byte)4, 8000u), ((byte)2, 16000u) })
        {
            var frames = TelephoneEventSender.Plan(code, TimeSpan.FromMilliseconds(100), Ptime);
            // The start packet twice (as some phones send it), then the rest with its three end packets, then a
            // late fourth copy of the end.
            foreach (var frame in frames.Prepend(frames[0]).Append(frames[^1]))
            {
                _phoneA.SendRtp(RtpTestPackets.Event(101, sequence++, timestamp, 0xA0A0, frame), _relay.LocalRtpEndPoint(MediaLegSide.A));
            }
        }

        var digits = await DigitsWhenAsync(2);
        Assert.That(digits.Select(d => (d.From, d.Digit.Symbol)), Is.EqualTo(new[] { (MediaLegSide.A, '4'), (MediaLegSide.A, '2') }));
        // The events still pass to B, which is not being played to (as without playback).
        var atB = await ReceiveUntilQuietAsync(_phoneB);
        Assert.That(atB, Has.Count.EqualTo(sequence - 1));
        Assert.That(atB.Select(p => p.PayloadType), Is.All.EqualTo(96));
        Assert.That(_observer.DrainDigits(), Is.Empty, "no repeats");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task In_band_digits_in_pcmu_are_reported_only_when_detection_is_on(bool detect)
    {
        ConfigureBoth(_relay, _phoneA, _phoneB);
        _relay.DetectInBandDigits(MediaLegSide.A, detect);
        var packets = InBandDtmfRtp.Packets("*7", AudioCodec.Pcmu, ssrc: 0xA0A0);
        foreach (var datagram in packets)
        {
            _phoneA.SendRtp(datagram, _relay.LocalRtpEndPoint(MediaLegSide.A));
        }

        // Every packet is relayed either way, so once B has them all the relay has looked at them all.
        var relayed = 0;
        while (relayed < packets.Count && await _phoneB.TryReceiveRtpAsync(TestPhone.Patience) is not null)
        {
            relayed++;
        }

        Assert.That(relayed, Is.EqualTo(packets.Count));
        var digits = _observer.DrainDigits();
        Assert.That(digits.Select(d => d.Digit.Symbol), Is.EqualTo(detect ? "*7".ToCharArray() : []));
        Assert.That(digits.Select(d => d.From), Is.All.EqualTo(MediaLegSide.A));
    }

    [Test]
    public async Task Without_its_pacing_thread_a_manager_plays_exactly_the_frames_a_fake_clock_makes_due()
    {
        var time = new FakeTimeProvider();
        await using var manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 42600, PortMax = 42699, UseEventLoop = useEventLoop, EventLoops = 1 },
            time,
            NullLogger<MediaRelayManager>.Instance,
            pacingThread: false);
        Assert.That(manager.TryCreateRelay(_observer, out var relay, out var error), Is.True, error.ToString());
        ConfigureBoth(relay!, _phoneA, _phoneB);
        var playback = relay!.Play(MediaLegSide.A, PromptSource.Of(Prompt(8000)), _finished);

        Assert.That(manager.RunDuePacingTicks(), Is.EqualTo(1));
        for (var i = 0; i < 6; i++)
        {
            time.Advance(Ptime);
            manager.RunDuePacingTicks();
        }

        var packets = await ReceiveUntilQuietAsync(_phoneA);
        Assert.That(packets, Has.Count.EqualTo(7));
        Assert.That(playback.FramesSent, Is.EqualTo(7));
        Assert.That(manager.Statistics.PlayingStreams, Is.EqualTo(1));
        Assert.That(() => _manager.RunDuePacingTicks(), Throws.InvalidOperationException, "a manager with its thread paces itself");
    }

    [Test]
    public async Task Switching_back_and_forth_while_the_other_phone_talks_keeps_one_consistent_stream()
    {
        ConfigureBoth(_relay, _phoneA, _phoneB);
        using var talking = new CancellationTokenSource();
        var talker = Task.Run(
            async () =>
            {
                // B talks faster than real time so that relayed packets and generated frames race at every switch.
                for (ushort s = 1; !talking.IsCancellationRequested; s++)
                {
                    _phoneB.SendRtp(Audio(s, 0xB0B0), _relay.LocalRtpEndPoint(MediaLegSide.B));
                    await Task.Delay(5, CancellationToken.None);
                }
            },
            CancellationToken.None);

        var receiving = ReceiveUntilQuietAsync(_phoneA, atMost: 5000);
        for (var i = 0; i < 10; i++)
        {
            var playback = _relay.Play(MediaLegSide.A, PromptSource.Of(Prompt(8000)), _finished);
            await Task.Delay(60);
            _relay.Stop(playback);
            await Task.Delay(40);
        }

        await talking.CancelAsync();
        await talker;
        var packets = await receiving;

        Assert.That(packets.Count(p => !IsFromB(p)), Is.GreaterThan(10), "prompts were heard");
        Assert.That(packets.Count(IsFromB), Is.GreaterThan(10), "and B in between");
        Assert.That(packets.Select(p => p.Ssrc).Distinct().Count(), Is.EqualTo(1));
        // Two threads send at a switch, so a packet may overtake its neighbour; by sequence number the stream must
        // be gapless, without duplicates, and move forward in time.
        var bySequence = packets.OrderBy(p => (ushort)(p.Sequence - packets[0].Sequence) is var d && d > 60000 ? d - 65536 : d).ToList();
        for (var i = 1; i < bySequence.Count; i++)
        {
            Assert.That(bySequence[i].Sequence, Is.EqualTo((ushort)(bySequence[i - 1].Sequence + 1)), $"packet {i}");
            Assert.That((int)(bySequence[i].Timestamp - bySequence[i - 1].Timestamp), Is.GreaterThan(0), $"packet {i}");
        }

        // RtpTestPackets.Frame's pattern: byte i is 7i plus the seed.
        static bool IsFromB(RtpHeaderFields p) => p.Payload.Length == 160 && p.Payload[1] == (byte)(7 + p.Payload[0]) && p.Payload[2] == (byte)(14 + p.Payload[0]);
    }

    private async Task<List<RelayDigit>> DigitsWhenAsync(int count)
    {
        var digits = new List<RelayDigit>();
        for (var i = 0; i < 250 && digits.Count < count; i++)
        {
            digits.AddRange(_observer.DrainDigits());
            await Task.Delay(20);
        }

        return digits;
    }
}
