namespace CallCenter.Media.Wav;

public enum WavReadError
{
    None,
    Unreadable,
    TooLarge,
    NotRiffWave,
    ChunkBeyondEnd,
    MissingFormat,
    FormatTooShort,
    UnsupportedEncoding,
    UnsupportedChannels,
    UnsupportedSampleRate,
    UnsupportedBitsPerSample,
    InconsistentBlockAlign,
    MissingData,
    PartialSample,
}
