namespace CallCenter.Tests.Support;

/// <summary>
/// Speech-like and music-like test material for talk-off tests: vowels made the classic source-filter way (a
/// glottal pulse train through three formant resonators), and chords of notes with harmonics.
/// </summary>
public static class SpeechLikeSignals
{
    /// <summary>(F1, F2, F3) of some adult male and female vowels (Peterson and Barney's averages).</summary>
    public static readonly (string Name, double F1, double F2, double F3)[] Vowels =
    [
        ("a", 730, 1090, 2440), ("i", 270, 2290, 3010), ("u", 300, 870, 2240), ("e", 530, 1840, 2480),
        ("o", 570, 840, 2410), ("ae", 660, 1720, 2410), ("a female", 850, 1220, 2810), ("er", 490, 1350, 1690),
    ];

    /// <summary>A vowel at pitch <paramref name="f0"/>, with 3 % vibrato at 5 Hz when asked, scaled to an RMS level
    /// in dBm0.</summary>
    public static double[] Vowel(double f0, double f1, double f2, double f3, double milliseconds, double levelDbm0, bool vibrato)
    {
        var count = TestSignal.Samples(milliseconds);
        var source = new double[count];
        var phase = 0.0;
        for (var n = 0; n < count; n++)
        {
            var pitch = vibrato ? f0 * (1 + (0.03 * Math.Sin(2 * Math.PI * 5 * n / TestSignal.SampleRate))) : f0;
            phase += pitch / TestSignal.SampleRate;
            if (phase >= 1)
            {
                phase -= 1;
                source[n] = 1;
            }
        }

        var output = Resonate(Resonate(Resonate(source, f1, 80), f2, 100), f3, 120);
        return Scale(output, levelDbm0);
    }

    /// <summary>Notes given as semitones from A4 (440 Hz), each with six harmonics falling as 1/k, like a plucked
    /// string or a cheap organ.</summary>
    public static double[] Chord(int[] semitones, double milliseconds, double levelDbm0, int harmonics = 6)
    {
        var count = TestSignal.Samples(milliseconds);
        var output = new double[count];
        foreach (var semitone in semitones)
        {
            var frequency = 440 * Math.Pow(2, semitone / 12.0);
            for (var k = 1; k <= harmonics && k * frequency < 3900; k++)
            {
                for (var n = 0; n < count; n++)
                {
                    output[n] += Math.Sin(2 * Math.PI * k * frequency * n / TestSignal.SampleRate) / k;
                }
            }
        }

        return Scale(output, levelDbm0);
    }

    /// <summary>A two-pole resonator at <paramref name="frequency"/> with the given bandwidth.</summary>
    private static double[] Resonate(double[] input, double frequency, double bandwidth)
    {
        var r = Math.Exp(-Math.PI * bandwidth / TestSignal.SampleRate);
        var a1 = 2 * r * Math.Cos(2 * Math.PI * frequency / TestSignal.SampleRate);
        var a2 = -r * r;
        var output = new double[input.Length];
        double y1 = 0, y2 = 0;
        for (var n = 0; n < input.Length; n++)
        {
            var y = input[n] + (a1 * y1) + (a2 * y2);
            output[n] = y;
            y2 = y1;
            y1 = y;
        }

        return output;
    }

    private static double[] Scale(double[] samples, double levelDbm0)
    {
        var power = samples.Sum(s => s * s) / samples.Length;
        var gain = power > 0 ? Math.Sqrt(CallCenter.Media.Codecs.Dbm0.Power(levelDbm0) / power) : 0;
        return samples.Select(s => s * gain).ToArray();
    }
}
