namespace CallCenter.Media.Wav;

/// <summary>
/// 8 kHz → 16 kHz: a zero between samples, then the half-band low-pass (gain two) to remove the 4-8 kHz image. With
/// a half-band filter the even outputs are just the input delayed, the odd ones a 24-tap sum. Output lags by 23
/// samples at 16 kHz. One per stream; no allocation.
/// </summary>
public sealed class HalfBandInterpolator
{
    private const int Inputs = (HalfBandFilter.Centre + 1) / 2 * 2;

    private readonly double[] _line = new double[2 * Inputs];
    private int _position;

    /// <summary>Writes two output samples per input sample; <paramref name="output"/> needs twice the room.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        var side = HalfBandFilter.SideTaps;
        var written = 0;
        foreach (var sample in input)
        {
            _position = _position == 0 ? Inputs - 1 : _position - 1;
            _line[_position] = sample;
            _line[_position + Inputs] = sample;
            var newestFirst = _line.AsSpan(_position, Inputs);

            // Of the zero-stuffed sequence only every other sample is real: at the even output the side taps meet
            // them (side tap i weighs the inputs 11 − i and 12 + i samples old), at the odd one only the centre does.
            var sum = 0.0;
            for (var i = 0; i < side.Length; i++)
            {
                sum += side[i] * (newestFirst[(Inputs / 2) - 1 - i] + newestFirst[(Inputs / 2) + i]);
            }

            output[written++] = HalfBandDecimator.Saturate(2 * sum);
            output[written++] = HalfBandDecimator.Saturate(2 * HalfBandFilter.CentreTap * newestFirst[(Inputs / 2) - 1]);
        }

        return written;
    }
}
