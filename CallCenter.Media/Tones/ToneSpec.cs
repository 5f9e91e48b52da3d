using System.Collections.Immutable;

namespace CallCenter.Media.Tones;

/// <summary>
/// A tone: its frequencies (summed, each at <see cref="LevelDbm0"/>) and its cadence as alternating on and off
/// durations starting with on, repeated; an empty cadence is a steady tone.
/// </summary>
public sealed record ToneSpec(ImmutableArray<double> Frequencies, double LevelDbm0, ImmutableArray<TimeSpan> Cadence)
{
    public static ToneSpec Create(double levelDbm0, double[] frequencies, params int[] cadenceMilliseconds)
    {
        if (cadenceMilliseconds.Length % 2 != 0)
        {
            throw new ArgumentException("A cadence alternates on and off, so it has an even number of durations.", nameof(cadenceMilliseconds));
        }

        return new ToneSpec([.. frequencies], levelDbm0, [.. cadenceMilliseconds.Select(ms => TimeSpan.FromMilliseconds(ms))]);
    }

    public bool IsSteady => Cadence.IsEmpty;
}
