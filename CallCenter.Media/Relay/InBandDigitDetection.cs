using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;

namespace CallCenter.Media.Relay;

/// <summary>
/// In-band DTMF detection on one leg's incoming audio: decodes each G.711 payload and feeds the detector, and
/// reports each key once, at its start edge. Created when the owner switches detection on; from then on used only
/// by the leg's receive loop (the detector is not thread-safe), so it needs no lock.
/// <para>A phone set to send keys both ways (RFC 4733 events and the tones left in its audio, a common setting) must
/// not press twice. Once the source has sent one RFC 4733 press, this detector stops
/// reporting: the events are exact and arrive first (at the tone's start, where the detector needs some 40 ms of
/// tone), and a phone that sends them sends them for every key. That alone would not cover the first key when its
/// event is late or lost, so an event of the key just reported in-band, starting within
/// <see cref="SamePressSamples"/> of where the tone was heard, is taken for the same press and dropped. Latching
/// rather than a time window alone keeps fast typing safe: two real presses of one key 80 ms apart (ITU-T Q.24
/// allows 40 ms on, 40 ms off) would fall inside any window wide enough for jitter.</para>
/// </summary>
internal sealed class InBandDigitDetection : IDtmfToneListener
{
    /// <summary>How far apart (RTP timestamp units, 8 kHz) an event's start and the tone heard in-band may be and still
    /// be one press: the detector's latency plus a packet or two.</summary>
    internal const uint SamePressSamples = 960;

    // A chunk of decoded audio; payloads longer than this (ptime above 60 ms) are fed in pieces.
    private const int ChunkSamples = 480;

    private readonly MediaRelay _relay;
    private readonly MediaLeg _leg;
    private readonly DtmfToneDetector _detector = new();
    private readonly short[] _samples = new short[ChunkSamples];
    private uint _timestamp;
    private bool _eventsSeen;
    private DtmfEvent? _lastReported;

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

    /// <summary>A new source: its audio has nothing to do with a key heard from the previous one, and it may be a
    /// phone that sends no RFC 4733 events.</summary>
    public void Reset()
    {
        _detector.Reset();
        _eventsSeen = false;
        _lastReported = null;
    }

    /// <summary>The same source sent <paramref name="press"/> as RFC 4733 events: from now on its keys come that way.
    /// False when it is the press this detector has just reported, which the owner must not hear twice.</summary>
    public bool OnTelephoneEvent(DtmfEvent press)
    {
        _eventsSeen = true;
        var heard = _lastReported;
        _lastReported = null;
        if (heard is not { } tone || tone.Code != press.Code)
        {
            return true;
        }

        // Either may come first on the timeline (the event's timestamp is the tone's start, the tone's is the packet
        // it was recognised in); the difference is taken as a signed 32-bit distance, as RTP timestamps wrap.
        var distance = Math.Abs((long)(int)(tone.Timestamp - press.Timestamp));
        return distance > SamePressSamples;
    }

    public void OnDtmfTone(DtmfToneEvent toneEvent)
    {
        if (toneEvent.Edge == DtmfToneEdge.Start && !_eventsSeen)
        {
            var press = new DtmfEvent(toneEvent.Code, _timestamp, 0);
            _lastReported = press;
            _relay.ReportInBandDigit(_leg, press);
        }
    }
}
