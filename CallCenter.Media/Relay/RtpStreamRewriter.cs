using CallCenter.Media.Rtp;

namespace CallCenter.Media.Relay;

/// <summary>
/// Makes what one leg sends look like one continuous stream to the other leg, whatever happens at the source.
/// The relay speaks with its own SSRC; sequence numbers and timestamps are the source's shifted by offsets that
/// are fixed for as long as the source SSRC stays the same, so the source's own gaps and reordering stay visible
/// to the receiver's jitter buffer and loss statistics. When the SSRC changes (a re-INVITE to another device, a
/// transfer), new offsets continue the sequence at the next number and the timestamps at the last one plus the
/// time that passed, and that first packet carries the marker bit so the receiver resynchronises (RFC 3551 §4.1).
/// Audio this server generates toward the other leg (prompts, music: <see cref="WriteGenerated"/>) goes out under
/// the same SSRC and continues the same sequence and timestamps, as one more "source" of this stream: its first
/// frame is a new talkspurt (marker, timestamp advanced by the time that passed), later frames step by one frame
/// per pacing tick, and the relayed source that follows it is re-anchored like an SSRC change. So the receiver sees
/// one stream whichever of the two feeds it.
/// Not thread-safe: the leg's <see cref="MediaLeg.RewriterGate"/> serialises the source leg's receive loop (relayed
/// packets) and the pacing loop (generated frames). <see cref="Ssrc"/> and <see cref="HighestTimestamp"/> may be
/// read from elsewhere (RTCP sender reports) without harm.
/// </summary>
internal sealed class RtpStreamRewriter
{
    private readonly int _clockRate;
    private bool _haveSource;
    private uint _sourceSsrc;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _highestSequence;
    private uint _highestTimestamp;
    private TimeSpan _lastArrival;
    private bool _sentAny;
    private bool _generating;
    private bool _reanchor;
    private long _lastTick;

    // A relayed packet's duration is unknown here (any ptime), so a new source is only kept from repeating the
    // previous timestamp; a generated frame is known to cover FrameSamples, which the next source must not overlap.
    private uint _minimumGap = 1;

    public RtpStreamRewriter(uint ssrc, ushort firstSequence, uint firstTimestamp, int clockRate = 8000)
    {
        Ssrc = ssrc;
        _clockRate = clockRate;
        // Until a source arrives, "the packet before the first" sits just below the random starting point
        // (RFC 3550 §5.1 asks for random initial values).
        _highestSequence = (ushort)(firstSequence - 1);
        _highestTimestamp = firstTimestamp;
    }

    public uint Ssrc { get; }

    public uint HighestTimestamp => Volatile.Read(ref _highestTimestamp);

    public ushort HighestSequence => _highestSequence;

    /// <summary>The source SSRC being rewritten, once there is one.</summary>
    public uint? SourceSsrc => _haveSource ? _sourceSsrc : null;

    /// <summary>True from the first generated frame until <see cref="EndGenerated"/>.</summary>
    public bool IsGenerating => _generating;

    /// <summary>The pacing tick of the last generated frame.</summary>
    public long LastGeneratedTick => _lastTick;

    /// <summary>
    /// Rewrites SSRC, sequence number and timestamp of <paramref name="datagram"/> (already validated) in place.
    /// Returns true when the packet starts a new source (the caller resets its per-source state).
    /// </summary>
    public bool Rewrite(Span<byte> datagram, ushort sequence, uint timestamp, uint sourceSsrc, TimeSpan arrival)
    {
        var newSource = !_haveSource || _reanchor || sourceSsrc != _sourceSsrc;
        if (newSource)
        {
            var first = !_sentAny;
            // A source's first packet is taken to come one packet interval's worth of time after the previous
            // source's last one at least; the real gap in arrival time counts when it is longer.
            var gap = first ? 0 : Math.Max(_minimumGap, ToUnits(arrival - _lastArrival));
            _sequenceOffset = (ushort)(_highestSequence + 1 - sequence);
            _timestampOffset = (uint)(_highestTimestamp + gap - timestamp);
            _sourceSsrc = sourceSsrc;
            _haveSource = true;
            _reanchor = false;
            _minimumGap = 1;
            _sentAny = true;
            if (!first)
            {
                RtpHeaderWriter.SetMarker(datagram, true);
            }
        }

        var outSequence = (ushort)(sequence + _sequenceOffset);
        var outTimestamp = timestamp + _timestampOffset;
        // Track the newest packet sent (serial number arithmetic), so a late packet does not pull them back.
        if (newSource || (short)(outSequence - _highestSequence) > 0)
        {
            _highestSequence = outSequence;
        }

        if (newSource || (int)(outTimestamp - _highestTimestamp) > 0)
        {
            Volatile.Write(ref _highestTimestamp, outTimestamp);
        }

        _lastArrival = arrival;
        RtpHeaderWriter.SetSsrc(datagram, Ssrc);
        RtpHeaderWriter.SetSequenceNumber(datagram, outSequence);
        RtpHeaderWriter.SetTimestamp(datagram, outTimestamp);
        return newSource;
    }

    /// <summary>
    /// Writes the fixed header of a frame generated for pacing tick <paramref name="tick"/> into
    /// <paramref name="datagram"/>: our SSRC, the next sequence number, and a timestamp that follows whatever was
    /// sent before. Consecutive ticks step the timestamp by <paramref name="samples"/>; ticks the pacing loop skipped
    /// (it fell too far behind) advance it by their time too, with the marker set so the receiver re-plans its
    /// playout (RFC 3551 §4.1, as after silence suppression). Returns false, writing nothing, for a tick that already
    /// had its frame (a playback replaced by another within one tick).
    /// </summary>
    public bool WriteGenerated(Span<byte> datagram, byte payloadType, long tick, TimeSpan now, int samples)
    {
        bool marker;
        uint outTimestamp;
        if (_generating)
        {
            var step = tick - _lastTick;
            if (step <= 0)
            {
                return false;
            }

            outTimestamp = _highestTimestamp + (uint)(step * samples);
            marker = step > 1;
        }
        else
        {
            // The start of a talkspurt (RFC 3551 §4.1): after relayed audio, at least one frame on from its last
            // packet, or more if more time passed.
            outTimestamp = _sentAny ? _highestTimestamp + (uint)Math.Max(samples, ToUnits(now - _lastArrival)) : _highestTimestamp;
            marker = true;
            _generating = true;
        }

        var outSequence = (ushort)(_highestSequence + 1);
        RtpHeaderWriter.WriteFixedHeader(datagram, marker, payloadType, outSequence, outTimestamp, Ssrc);
        _highestSequence = outSequence;
        Volatile.Write(ref _highestTimestamp, outTimestamp);
        _lastTick = tick;
        _lastArrival = now;
        _sentAny = true;
        _minimumGap = (uint)samples;
        return true;
    }

    /// <summary>Generated audio stopped: the next relayed packet starts a new source (new offsets, marker), even if
    /// its SSRC is the one relayed before, since its sequence numbers went on while it was not forwarded.</summary>
    public void EndGenerated()
    {
        if (_generating)
        {
            _generating = false;
            _reanchor = true;
        }
    }

    private long ToUnits(TimeSpan time) => time <= TimeSpan.Zero ? 0 : (long)((Int128)time.Ticks * _clockRate / TimeSpan.TicksPerSecond);
}
