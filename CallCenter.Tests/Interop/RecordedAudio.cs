using CallCenter.Media.Wav;

namespace CallCenter.Tests.Interop;

/// <summary>What a peer recorded, as 8 kHz samples and a 20 ms energy envelope, for comparing with the prompt the
/// server was meant to play (the IVR's welcome, a queue's announcement).</summary>
internal static class RecordedAudio
{
    public static short[] Narrowband(string path)
    {
        Assert.That(WavFile.TryLoad(path, out var audio, out _, out var reason), Is.True, reason);
        Assert.That(audio!.TryGetNarrowband(out var samples), Is.True, path);
        return samples;
    }

    /// <summary>RMS per 20 ms frame.</summary>
    public static double[] Envelope(short[] samples)
    {
        var frames = new double[samples.Length / 160];
        for (var f = 0; f < frames.Length; f++)
        {
            double sum = 0;
            for (var i = f * 160; i < (f + 1) * 160; i++)
            {
                sum += (double)samples[i] * samples[i];
            }

            frames[f] = Math.Sqrt(sum / 160);
        }

        return frames;
    }
}
