namespace CallCenter.Media.Dtmf;

/// <summary>
/// Turns the packets of one RFC 4733 stream into one <see cref="DtmfEvent"/> per key press. A press is identified
/// by its RTP timestamp (§2.5.1.1): the start (marker set), the duration updates, and the end packet sent three
/// times (§2.5.1.4) all share it. The press is reported at the first packet seen with a new timestamp, whichever
/// that is: the owner learns of the digit at once (an IVR need not wait for the key to be released), and a lost
/// start or lost end packets change nothing. Everything else with that timestamp, and anything older than the
/// current event (reordering, late retransmissions), is ignored.
/// One exception keeps a held key from counting twice: an event longer than the 16-bit duration field is sent as
/// segments with new timestamps and no marker (§2.5.1.3); a packet that continues the same code without marker
/// while the previous segment had not ended and was already long is taken as such a segment.
/// Not thread-safe: one instance per stream, used by the loop that receives it.
/// </summary>
public sealed class TelephoneEventReceiver
{
    // A segment boundary only happens once the duration field is nearly full; half of it is a safe bar that a
    // real new press without its marker (lost) and without its predecessor's end (lost too) cannot confuse.
    private const ushort LongSegment = 0x8000;

    private bool _haveEvent;
    private uint _timestamp;
    private byte _code;
    private bool _ended;
    private ushort _duration;

    /// <summary>Presses reported so far.</summary>
    public long Reported { get; private set; }

    /// <summary>Packets that belonged to an event already reported, or came too late.</summary>
    public long Ignored { get; private set; }

    /// <summary>Feeds one event packet; true when it begins a press the owner has not heard of.</summary>
    public bool TryProcess(uint timestamp, bool marker, TelephoneEvent telephoneEvent, out DtmfEvent press)
    {
        press = default;
        if (_haveEvent)
        {
            var age = (int)(timestamp - _timestamp);
            if (age == 0)
            {
                _ended |= telephoneEvent.End;
                _duration = Math.Max(_duration, telephoneEvent.Duration);
                Ignored++;
                return false;
            }

            if (age < 0)
            {
                Ignored++;
                return false;
            }

            var continuation = !marker && !_ended && telephoneEvent.Code == _code && _duration >= LongSegment && (uint)age <= ushort.MaxValue + 1u;
            if (continuation)
            {
                Start(timestamp, telephoneEvent);
                Ignored++;
                return false;
            }
        }

        Start(timestamp, telephoneEvent);
        press = new DtmfEvent(telephoneEvent.Code, timestamp, telephoneEvent.Volume);
        Reported++;
        return true;
    }

    /// <summary>Forgets the current event, for a new source (SSRC change): its timestamps mean nothing here.</summary>
    public void Reset() => _haveEvent = false;

    private void Start(uint timestamp, TelephoneEvent telephoneEvent)
    {
        _haveEvent = true;
        _timestamp = timestamp;
        _code = telephoneEvent.Code;
        _ended = telephoneEvent.End;
        _duration = telephoneEvent.Duration;
    }
}
