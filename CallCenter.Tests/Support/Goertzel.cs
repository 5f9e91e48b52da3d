namespace CallCenter.Tests.Support;

/// <summary>Test-side spectrum probe: the power of one frequency in a stretch of 8 kHz PCM, as the mean square of
/// a sine of that amplitude (so a pure sine gives its own mean square).</summary>
public static class Goertzel
{
    public static double Power(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        var magnitudeSquared = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return 2 * magnitudeSquared / ((double)samples.Length * samples.Length);
    }

    public static double MeanSquare(ReadOnlySpan<short> samples)
    {
        var sum = 0.0;
        foreach (var x in samples)
        {
            sum += (double)x * x;
        }

        return samples.Length == 0 ? 0 : sum / samples.Length;
    }
}
