using CallCenter.Media.Dtmf;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Dtmf;

/// <summary>
/// ITU-T Q.24's recommended acceptance points, on generated signals. Levels are per tone in dBm0 (0 dBm0 sine peak
/// 22,657, see Dbm0). "With noise" means white Gaussian noise at −40 dBm0 total over 0-4 kHz, 15 dB below each tone
/// of a −25 dBm0 key. The loudest keys are −3 dBm0 per tone: two tones at 0 dBm0 would peak above G.711's full
/// scale (+3.17 dBm0 for one sine) and clip.
/// </summary>
public sealed class DtmfToneDetectorTests
{
    private const string AllKeys = "123A456B789C*0#D";
    private const double NoiseDbm0 = -40;

    private static RecordingDtmfToneListener Detect(TestSignal signal) => RecordingDtmfToneListener.Detect(signal.ToPcm());

    private static TestSignal Key(char key, double level = -25, double milliseconds = 60, double rowDeviation = 0, double columnDeviation = 0, double twistDb = 0) =>
        new TestSignal().Silence(40).Digit(key, level, milliseconds, rowDeviation, columnDeviation, twistDb).Silence(60);

    [Test]
    public void AllSixteenKeysAreDetectedAtMinus25Dbm0PerToneWithNoise15DbBelow()
    {
        var signal = new TestSignal();
        foreach (var key in AllKeys)
        {
            signal.Silence(60).Digit(key, -25, 50);
        }

        var heard = Detect(signal.Silence(60).Noise(NoiseDbm0, seed: 1));

        Assert.That(heard.Digits, Is.EqualTo(AllKeys));
        Assert.That(heard.Events.Count(e => e.Edge == DtmfToneEdge.End), Is.EqualTo(16));
    }

    [Test]
    public void AllSixteenKeysSurviveMuLawAtMinus25Dbm0WithNoise()
    {
        var signal = new TestSignal();
        foreach (var key in AllKeys)
        {
            signal.Silence(60).Digit(key, -25, 45);
        }

        var heard = RecordingDtmfToneListener.Detect(signal.Silence(60).Noise(NoiseDbm0, seed: 2).ThroughMuLaw());

        Assert.That(heard.Digits, Is.EqualTo(AllKeys));
    }

    [Test]
    public void ChunkSizeDoesNotChangeWhatIsHeardOrWhen([Values(1, 7, 33, 160, 1000)] int chunk)
    {
        var signal = new TestSignal().Silence(30).Digit('5', -20, 70).Silence(50).Digit('#', -20, 70).Silence(50).Noise(NoiseDbm0, seed: 3);

        var reference = RecordingDtmfToneListener.Detect(signal.ToPcm());
        var heard = RecordingDtmfToneListener.Detect(signal.ToPcm(), chunk);

        Assert.That(reference.Digits, Is.EqualTo("5#"));
        Assert.That(heard.Events, Is.EqualTo(reference.Events));
    }

    [Test]
    public void StartAndEndTimesFallOnTheToneEdges([Values(-25, -10, -3)] double level)
    {
        var heard = Detect(new TestSignal().Silence(100).Digit('7', level, 80).Silence(100).Noise(NoiseDbm0 + level + 25, seed: 4));

        Assert.That(heard.Events, Has.Count.EqualTo(2));
        Assert.That(heard.Events[0].Time.TotalMilliseconds, Is.EqualTo(100).Within(5));
        Assert.That(heard.Events[1].Edge, Is.EqualTo(DtmfToneEdge.End));
        Assert.That(heard.Events[1].Time.TotalMilliseconds, Is.EqualTo(180).Within(5));
    }

    [TestCase(0.015, 0.015)]
    [TestCase(-0.015, -0.015)]
    [TestCase(0.015, -0.015)]
    [TestCase(-0.015, 0.015)]
    public void FrequenciesOffByOnePointFivePercentAreAccepted(double rowDeviation, double columnDeviation)
    {
        foreach (var key in AllKeys)
        {
            var heard = Detect(Key(key, -20, rowDeviation: rowDeviation, columnDeviation: columnDeviation).Noise(NoiseDbm0, seed: key));
            Assert.That(heard.Digits, Is.EqualTo(key.ToString()), $"key {key}");
        }
    }

    [TestCase(0.035, 0.0)]
    [TestCase(-0.035, 0.0)]
    [TestCase(0.0, 0.035)]
    [TestCase(0.0, -0.035)]
    [TestCase(0.035, 0.035)]
    [TestCase(-0.035, -0.035)]
    [TestCase(0.035, -0.035)]
    [TestCase(-0.035, 0.035)]
    public void FrequenciesOffByThreePointFivePercentAreRejected(double rowDeviation, double columnDeviation)
    {
        foreach (var key in AllKeys)
        {
            var heard = Detect(Key(key, -20, 100, rowDeviation, columnDeviation).Noise(NoiseDbm0, seed: key));
            Assert.That(heard.Events, Is.Empty, $"key {key}");
        }
    }

    [TestCase(-8, true)]
    [TestCase(4, true)]
    [TestCase(-10, false)]
    [TestCase(6, false)]
    public void TwistWithinEightDbNormalAndFourDbReverseIsAccepted(double twistDb, bool accepted)
    {
        // Negative twist is normal twist (the high group weaker); the louder tone is at −10 dBm0.
        var lowGroupLevel = Math.Min(-10, -10 - twistDb);
        foreach (var key in AllKeys)
        {
            var heard = Detect(Key(key, lowGroupLevel, 100, twistDb: twistDb).Noise(NoiseDbm0, seed: key));
            Assert.That(heard.Digits, Is.EqualTo(accepted ? key.ToString() : string.Empty), $"key {key}");
        }
    }

    [TestCase(40, -25, true)]
    [TestCase(40, -3, true)]
    [TestCase(23, -25, false)]
    [TestCase(23, -3, false)]
    [TestCase(20, -10, false)]
    [TestCase(10, -3, false)]
    public void FortyMillisecondsIsAKeyAndTwentyThreeIsNot(double milliseconds, double level, bool accepted)
    {
        foreach (var key in AllKeys)
        {
            for (var offset = 0; offset < 4; offset++)
            {
                // Shifting the tone by 0-3 ms moves it against the detector's 4 ms hop.
                var signal = new TestSignal().Silence(40 + offset).Digit(key, level, milliseconds).Silence(60).Noise(NoiseDbm0 + level + 25, seed: key + offset);
                Assert.That(Detect(signal).Digits, Is.EqualTo(accepted ? key.ToString() : string.Empty), $"key {key}, offset {offset} ms");
            }
        }
    }

    [TestCase(-25)]
    [TestCase(-3)]
    public void ABreakOfTenMillisecondsIsBridged(double level)
    {
        foreach (var key in AllKeys)
        {
            for (var offset = 0; offset < 4; offset++)
            {
                var signal = new TestSignal().Silence(40).Digit(key, level, 120).Gap(40 + 50 + offset, 10).Silence(60).Noise(NoiseDbm0 + level + 25, seed: key);
                var heard = Detect(signal);
                Assert.That(heard.Digits, Is.EqualTo(key.ToString()), $"key {key}, offset {offset} ms");
                Assert.That(heard.Events, Has.Count.EqualTo(2));
            }
        }
    }

    [TestCase(-25)]
    [TestCase(-3)]
    public void TheSameKeyTwiceWithAFortyMillisecondPauseIsTwoKeys(double level)
    {
        foreach (var key in AllKeys)
        {
            var signal = new TestSignal().Silence(40).Digit(key, level, 40).Silence(40).Digit(key, level, 40).Silence(60).Noise(NoiseDbm0 + level + 25, seed: key);
            Assert.That(Detect(signal).Digits, Is.EqualTo($"{key}{key}"), $"key {key}");
        }
    }

    [TestCase(40, 40)]
    [TestCase(50, 50)]
    public void FastDiallingOfAllSixteenKeysIsHeardInOrder(double onMilliseconds, double offMilliseconds)
    {
        var signal = new TestSignal().Silence(offMilliseconds);
        foreach (var key in AllKeys + AllKeys)
        {
            signal.Digit(key, -20, onMilliseconds).Silence(offMilliseconds);
        }

        Assert.That(Detect(signal.Noise(NoiseDbm0, seed: 8)).Digits, Is.EqualTo(AllKeys + AllKeys));
    }

    [Test]
    public void AKeyBelowTheSensitivityFloorIsIgnored()
    {
        Assert.That(Detect(Key('1', -40, 100)).Events, Is.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SyntheticVowelsAtEveryPitchGiveNoKey(bool vibrato)
    {
        var signal = new TestSignal();
        foreach (var (_, f1, f2, f3) in SpeechLikeSignals.Vowels)
        {
            for (var f0 = 80; f0 <= 320; f0 += 6)
            {
                signal.Append(SpeechLikeSignals.Vowel(f0, f1, f2, f3, 160, -12, vibrato));
            }
        }

        var heard = RecordingDtmfToneListener.Detect(signal.Noise(-50, seed: 6).ThroughMuLaw());

        Assert.That(signal.Length, Is.GreaterThan(TestSignal.Samples(50_000)));
        Assert.That(heard.Digits, Is.Empty);
    }

    [Test]
    public void ChordsOfNotesWithHarmonicsAndPureTriadsGiveNoKey()
    {
        int[][] shapes = [[0, 4, 7], [0, 3, 7], [0, 4, 7, 10], [0, 3, 7, 10], [0, 4, 7, 11], [0, 5, 7], [0, 7], [0, 4], [0, 3]];
        var signal = new TestSignal();
        for (var root = -12; root <= 15; root++)
        {
            foreach (var shape in shapes)
            {
                var notes = shape.Select(s => root + s).ToArray();
                signal.Append(SpeechLikeSignals.Chord(notes, 150, -10));
                if (shape.Length >= 3)
                {
                    signal.Append(SpeechLikeSignals.Chord(notes, 150, -10, harmonics: 1));
                }
            }
        }

        var heard = RecordingDtmfToneListener.Detect(signal.Noise(-50, seed: 7).ThroughMuLaw());

        Assert.That(heard.Digits, Is.Empty);
    }

    [Test]
    public void ProcessingAllocatesNothing()
    {
        var pcm = new TestSignal().Silence(40).Digit('9', -20, 100).Silence(100).Noise(NoiseDbm0, seed: 5).ToPcm();
        var detector = new DtmfToneDetector();
        var listener = new RecordingDtmfToneListener();
        detector.Process(pcm, listener);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 20; round++)
        {
            for (var offset = 0; offset + 160 <= pcm.Length; offset += 160)
            {
                detector.Process(pcm.AsSpan(offset, 160), listener);
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(listener.Digits, Has.Length.GreaterThanOrEqualTo(20));
    }
}
