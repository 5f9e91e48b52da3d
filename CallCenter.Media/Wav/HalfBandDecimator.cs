namespace CallCenter.Media.Wav;

/// <summary>
/// 16 kHz → 8 kHz: the half-band low-pass, then every other sample. Dropping samples without the filter would fold
/// 4-8 kHz (fricatives, wideband music) back into the telephone band. Streaming: input may come in chunks of any
/// size, odd ones included; output lags the input by 23 samples at 16 kHz. One per stream; no allocation.
/// </summary>
public sealed class HalfBandDecimator
{
    private readonly double[] _line = new double[2 * HalfBandFilter.Taps];
    private int _position;
    private bool _odd;

    /// <summary>Returns the number of output samples written: half the input, plus one when an odd sample was
    /// carried over. <paramref name="output"/> needs room for (input + 1) / 2.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        var written = 0;
        foreach (var sample in input)
        {
            // A doubled delay line: every sample is stored twice, so the newest 47 are always contiguous.
            _position = _position == 0 ? HalfBandFilter.Taps - 1 : _position - 1;
            _line[_position] = sample;
            _line[_position + HalfBandFilter.Taps] = sample;
            _odd = !_odd;
            if (_odd)
            {
                output[written++] = Filter(_line.AsSpan(_position, HalfBandFilter.Taps));
            }
        }

        return written;
    }

    private static short Filter(ReadOnlySpan<double> newestFirst)
    {
        var sum = HalfBandFilter.CentreTap * newestFirst[HalfBandFilter.Centre];
        var side = HalfBandFilter.SideTaps;
        for (var i = 0; i < side.Length; i++)
        {
            var distance = 1 + (2 * i);
            sum += side[i] * (newestFirst[HalfBandFilter.Centre - distance] + newestFirst[HalfBandFilter.Centre + distance]);
        }

        return Saturate(sum);
    }

    internal static short Saturate(double value) => (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
}
