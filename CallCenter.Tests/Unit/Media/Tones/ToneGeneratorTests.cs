using CallCenter.Media.Codecs;
using CallCenter.Media.Tones;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Media.Tones;

public sealed class ToneGeneratorTests
{
    private const int Frame = 160;

    private static short[] Generate(ToneSpec tone, double seconds, int chunk = Frame)
    {
        var generator = new ToneGenerator(tone);
        var pcm = new short[(int)(seconds * 8000)];
        for (var offset = 0; offset < pcm.Length; offset += chunk)
        {
            generator.Fill(pcm.AsSpan(offset, Math.Min(chunk, pcm.Length - offset)));
        }

        return pcm;
    }

    /// <summary>On and off stretches in milliseconds, judged per millisecond (8 samples) by energy.</summary>
    private static List<(bool On, int Milliseconds)> Runs(short[] pcm)
    {
        var runs = new List<(bool On, int Milliseconds)>();
        for (var ms = 0; ms < pcm.Length / 8; ms++)
        {
            var on = pcm.AsSpan(ms * 8, 8).ToArray().Any(s => s != 0);
            if (runs.Count > 0 && runs[^1].On == on)
            {
                runs[^1] = (on, runs[^1].Milliseconds + 1);
            }
            else
            {
                runs.Add((on, 1));
            }
        }

        return runs;
    }

    [TestCase(ToneRegion.NorthAmerica, CallProgressTone.Dial, new[] { 350.0, 440.0 }, -13, new int[0])]
    [TestCase(ToneRegion.NorthAmerica, CallProgressTone.Ringback, new[] { 440.0, 480.0 }, -19, new[] { 2000, 4000 })]
    [TestCase(ToneRegion.NorthAmerica, CallProgressTone.Busy, new[] { 480.0, 620.0 }, -24, new[] { 500, 500 })]
    [TestCase(ToneRegion.NorthAmerica, CallProgressTone.Congestion, new[] { 480.0, 620.0 }, -24, new[] { 250, 250 })]
    [TestCase(ToneRegion.NorthAmerica, CallProgressTone.CallWaiting, new[] { 440.0 }, -13, new[] { 300, 9700 })]
    [TestCase(ToneRegion.Europe, CallProgressTone.Dial, new[] { 425.0 }, -10, new int[0])]
    [TestCase(ToneRegion.Europe, CallProgressTone.Ringback, new[] { 425.0 }, -10, new[] { 1000, 4000 })]
    [TestCase(ToneRegion.Europe, CallProgressTone.Busy, new[] { 425.0 }, -10, new[] { 500, 500 })]
    [TestCase(ToneRegion.Europe, CallProgressTone.Congestion, new[] { 425.0 }, -10, new[] { 200, 200 })]
    [TestCase(ToneRegion.Europe, CallProgressTone.CallWaiting, new[] { 425.0 }, -10, new[] { 200, 200, 200, 4400 })]
    [TestCase(ToneRegion.China, CallProgressTone.Dial, new[] { 450.0 }, -10, new int[0])]
    [TestCase(ToneRegion.China, CallProgressTone.Ringback, new[] { 450.0 }, -10, new[] { 1000, 4000 })]
    [TestCase(ToneRegion.China, CallProgressTone.Busy, new[] { 450.0 }, -10, new[] { 350, 350 })]
    [TestCase(ToneRegion.China, CallProgressTone.Congestion, new[] { 450.0 }, -10, new[] { 700, 700 })]
    [TestCase(ToneRegion.China, CallProgressTone.CallWaiting, new[] { 450.0 }, -10, new[] { 400, 4000 })]
    public void EachRegionsToneHasItsFrequenciesLevelAndCadence(ToneRegion region, CallProgressTone tone, double[] frequencies, double level, int[] cadence)
    {
        var spec = CallProgressTones.For(region, tone);
        var cycle = cadence.Sum();
        var pcm = Generate(spec, cycle == 0 ? 2 : (2 * cycle / 1000.0) + 0.5);
        var runs = Runs(pcm);

        if (cadence.Length == 0)
        {
            Assert.That(runs, Is.EqualTo(new[] { (true, pcm.Length / 8) }));
        }
        else
        {
            var expected = Enumerable.Range(0, runs.Count - 1).Select(i => (i % 2 == 0, cadence[i % cadence.Length]));
            Assert.That(runs.Take(runs.Count - 1), Is.EqualTo(expected), "every run but the cut-off last one");
            Assert.That(runs.Count, Is.GreaterThanOrEqualTo((2 * cadence.Length) + 1));
        }

        var burst = pcm.AsSpan(0, Math.Min(cadence.Length == 0 ? pcm.Length : cadence[0] * 8, 8000)).ToArray();
        var total = Goertzel.MeanSquare(burst);
        var atTones = frequencies.Sum(f => Goertzel.Power(burst, f));
        Assert.That(atTones / total, Is.GreaterThan(0.97), "the burst's power is in the tone's frequencies");
        foreach (var frequency in frequencies)
        {
            Assert.That(Dbm0.FromPower(Goertzel.Power(burst, frequency)), Is.EqualTo(level).Within(0.3), $"{frequency} Hz");
            Assert.That(Goertzel.Power(burst, frequency * 1.03), Is.LessThan(Goertzel.Power(burst, frequency) / 10), $"{frequency} Hz is not 3 % off");
        }
    }

    [Test]
    public void FramesAreSeamlessWhateverTheirSize()
    {
        var spec = CallProgressTones.For(ToneRegion.NorthAmerica, CallProgressTone.Busy);
        var whole = Generate(spec, 3, chunk: 24_000);

        Assert.That(Generate(spec, 3, chunk: 160), Is.EqualTo(whole));
        Assert.That(Generate(spec, 3, chunk: 37), Is.EqualTo(whole));
        Assert.That(Generate(spec, 3, chunk: 1), Is.EqualTo(whole));
    }

    [Test]
    public void ABurstContinuesTheSineWithoutAJump()
    {
        var spec = CallProgressTones.For(ToneRegion.China, CallProgressTone.Dial);
        var pcm = Generate(spec, 1);
        var peak = Dbm0.SinePeak(-10);
        var largestStep = 2 * Math.PI * 450 / 8000 * peak;

        for (var n = 1; n < pcm.Length; n++)
        {
            Assert.That(Math.Abs(pcm[n] - pcm[n - 1]), Is.LessThanOrEqualTo(largestStep + 1), $"sample {n}");
        }
    }

    [Test]
    public void AnHourOfDialToneKeepsItsLevelAndPhase()
    {
        var generator = new ToneGenerator(CallProgressTones.For(ToneRegion.Europe, CallProgressTone.Dial));
        var frame = new short[Frame];
        for (var tick = 0; tick < 180_000; tick++)
        {
            generator.Fill(frame);
        }

        // 180,000 frames = 3,600 s = 1,530,000 whole cycles of 425 Hz: the next sample is back at phase zero.
        var last = new short[8000];
        generator.Fill(last);
        var expected = WavBytes.Sine(425, Dbm0.SinePeak(-10), 8000);
        for (var n = 0; n < last.Length; n++)
        {
            Assert.That((double)last[n], Is.EqualTo((double)expected[n]).Within(2), $"sample {n}");
        }
    }

    [Test]
    public void RestartBeginsTheCadenceWithItsFirstBurst()
    {
        var generator = new ToneGenerator(CallProgressTones.For(ToneRegion.Europe, CallProgressTone.Ringback));
        var frame = new short[Frame];
        for (var i = 0; i < 60; i++)
        {
            generator.Fill(frame);
        }

        Assert.That(frame, Is.All.EqualTo(0), "1.2 s in, a European ringback is silent");
        generator.Restart();
        generator.Fill(frame);
        Assert.That(frame.Any(s => s != 0), Is.True);
    }

    [Test]
    public void ACadenceMustAlternateOnAndOff()
    {
        Assert.That(() => ToneSpec.Create(-10, [425], 200, 200, 200), Throws.ArgumentException);
    }
}
