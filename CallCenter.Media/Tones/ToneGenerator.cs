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

    private readonly double[] _phaseSteps;
    private readonly double[] _phases;
    private readonly long[] _segmentEnds;
    private readonly double _peak;
    private long _position;

    public ToneGenerator(ToneSpec tone)
    {
        ArgumentNullException.ThrowIfNull(tone);
        Tone = tone;
        _phaseSteps = tone.Frequencies.Select(f => 2 * Math.PI * f / SampleRate).ToArray();
        _phases = new double[_phaseSteps.Length];
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
            for (var k = 0; k < _phases.Length; k++)
            {
                value += Math.Sin(_phases[k]);
                _phases[k] += _phaseSteps[k];
                if (_phases[k] >= 2 * Math.PI)
                {
                    _phases[k] -= 2 * Math.PI;
                }
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
