using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;

namespace CallCenter.Media.Relay;

/// <summary>
/// In-band DTMF detection on one leg's incoming audio: decodes each G.711 payload and feeds the detector, and
/// reports each key once, at its start edge. Created when the owner switches detection on; from then on used only
/// by the leg's receive loop (the detector is not thread-safe), so it needs no lock.
/// </summary>
internal sealed class InBandDigitDetection : IDtmfToneListener
{
    // A chunk of decoded audio; payloads longer than this (ptime above 60 ms) are fed in pieces.
    private const int ChunkSamples = 480;

    private readonly MediaRelay _relay;
    private readonly MediaLeg _leg;
    private readonly DtmfToneDetector _detector = new();
    private readonly short[] _samples = new short[ChunkSamples];
    private uint _timestamp;

    public InBandDigitDetection(MediaRelay relay, MediaLeg leg)
    {
        _relay = relay;
        _leg = leg;
    }

    public void Process(AudioCodec codec, ReadOnlySpan<byte> payload, uint timestamp)
    {
        _timestamp = timestamp;
        while (!payload.IsEmpty)
        {
            var chunk = Math.Min(payload.Length, ChunkSamples);
            G711.Decode(codec, payload[..chunk], _samples);
            _detector.Process(_samples.AsSpan(0, chunk), this);
            payload = payload[chunk..];
        }
    }

    /// <summary>A new source: its audio has nothing to do with a key heard from the previous one.</summary>
    public void Reset() => _detector.Reset();

    public void OnDtmfTone(DtmfToneEvent toneEvent)
    {
        if (toneEvent.Edge == DtmfToneEdge.Start)
        {
            _relay.ReportInBandDigit(_leg, new DtmfEvent(toneEvent.Code, _timestamp, 0));
        }
    }
}
