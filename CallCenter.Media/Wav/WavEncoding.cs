namespace CallCenter.Media.Wav;

/// <summary>The sample encodings read here, by their WAVE format tag (mmreg.h: 1 PCM, 6 A-law, 7 µ-law).</summary>
public enum WavEncoding
{
    Pcm16 = 1,
    ALaw = 6,
    MuLaw = 7,
}
