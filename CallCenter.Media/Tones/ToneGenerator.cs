using CallCenter.Media.Codecs;

namespace CallCenter.Media.Tones;

/// <summary>
/// Plays a <see cref="ToneSpec"/> as 16-bit PCM at 8 kHz, a frame (or any number of samples) at a time. The
/// oscillators run through the off periods too, so every burst continues the same sine and no frame boundary
/// shows as a phase jump; the cadence position is counted in samples, so it never drifts. One per stream, called
/// from that stream's pacing context; allocates nothing after construction.
/// </summary>
public sealed class ToneGenerator
{
    public const int SampleRate = 8000;

    // Each oscillator is a unit phasor turned by a fixed rotation per sample (a multiply-add instead of Math.Sin,
    // seven times cheaper). Rounding lets its length drift by about 1e-16 a sample; it is pulled back to one every
    // RenormalisePeriod samples of absolute position, so the output does not depend on how calls cut the stream.
    private const int RenormalisePeriod = 160;

    private readonly double[] _stepCos;
    private readonly double[] _stepSin;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly long[] _segmentEnds;
    private readonly double _peak;
    private long _position;

    public ToneGenerator(ToneSpec tone)
    {
        ArgumentNullException.ThrowIfNull(tone);
        Tone = tone;
        _stepCos = tone.Frequencies.Select(f => Math.Cos(2 * Math.PI * f / SampleRate)).ToArray();
        _stepSin = tone.Frequencies.Select(f => Math.Sin(2 * Math.PI * f / SampleRate)).ToArray();
        _cos = Enumerable.Repeat(1.0, _stepCos.Length).ToArray();
        _sin = new double[_stepCos.Length];
        _peak = Dbm0.SinePeak(tone.LevelDbm0);
        _segmentEnds = new long[tone.Cadence.Length];
        long end = 0;
        for (var i = 0; i < tone.Cadence.Length; i++)
        {
            end += (long)Math.Round(tone.Cadence[i].TotalSeconds * SampleRate);
            _segmentEnds[i] = end;
        }
    }

    public ToneSpec Tone { get; }

    public void Fill(Span<short> destination)
    {
        var cycle = _segmentEnds.Length == 0 ? 0 : _segmentEnds[^1];
        for (var n = 0; n < destination.Length; n++)
        {
            var value = 0.0;
            var renormalise = _position % RenormalisePeriod == 0;
            for (var k = 0; k < _cos.Length; k++)
            {
                var cos = _cos[k];
                var sin = _sin[k];
                if (renormalise)
                {
                    var scale = 1 / Math.Sqrt((cos * cos) + (sin * sin));
                    cos *= scale;
                    sin *= scale;
                }

                value += sin;
                _cos[k] = (cos * _stepCos[k]) - (sin * _stepSin[k]);
                _sin[k] = (sin * _stepCos[k]) + (cos * _stepSin[k]);
            }

            destination[n] = IsOn(cycle) ? (short)Math.Round(value * _peak) : (short)0;
            _position++;
        }
    }

    /// <summary>Starts the cadence again from its first burst.</summary>
    public void Restart() => _position = 0;

    private bool IsOn(long cycle)
    {
        if (cycle == 0)
        {
            return true;
        }

        var offset = _position % cycle;
        for (var i = 0; i < _segmentEnds.Length; i++)
        {
            if (offset < _segmentEnds[i])
            {
                return i % 2 == 0;
            }
        }

        return false;
    }
}
