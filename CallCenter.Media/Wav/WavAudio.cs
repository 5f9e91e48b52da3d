namespace CallCenter.Media.Wav;

/// <summary>A decoded WAV file: 16-bit linear samples (interleaved when stereo) at the file's own rate, and what
/// the file held them as.</summary>
public sealed class WavAudio
{
    internal WavAudio(WavEncoding encoding, int sampleRate, int channels, short[] samples)
    {
        Encoding = encoding;
        SampleRate = sampleRate;
        Channels = channels;
        Samples = samples;
    }

    public WavEncoding Encoding { get; }

    public int SampleRate { get; }

    public int Channels { get; }

    public ReadOnlyMemory<short> Samples { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / Channels / SampleRate);

    /// <summary>Mono audio at 8 kHz, the rate of every narrowband leg: 16 kHz is brought down through the half-band
    /// filter. False (and nothing) for stereo, which a prompt never is.</summary>
    public bool TryGetNarrowband(out short[] samples)
    {
        if (Channels != 1)
        {
            samples = [];
            return false;
        }

        if (SampleRate == 8000)
        {
            samples = Samples.ToArray();
            return true;
        }

        samples = new short[Samples.Length / 2];
        new HalfBandDecimator().Process(Samples.Span, samples);
        return true;
    }
}
