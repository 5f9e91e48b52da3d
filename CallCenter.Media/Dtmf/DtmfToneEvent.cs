namespace CallCenter.Media.Dtmf;

/// <summary>
/// A key heard in the audio: its RFC 4733 event code (0-15, as <see cref="DtmfEvent"/>), whether it began or ended,
/// and when, in samples at 8 kHz since the detector started (or was reset).
/// </summary>
public readonly record struct DtmfToneEvent(byte Code, DtmfToneEdge Edge, long SampleTime)
{
    public char Symbol => DtmfEvent.SymbolOf(Code);

    public TimeSpan Time => TimeSpan.FromTicks(SampleTime * (TimeSpan.TicksPerSecond / DtmfToneDetector.SampleRate));
}
