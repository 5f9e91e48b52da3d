using CallCenter.Media.Rtp;

namespace CallCenter.Media.Relay;

/// <summary>
/// Makes what one leg sends look like one continuous stream to the other leg, whatever happens at the source.
/// The relay speaks with its own SSRC; sequence numbers and timestamps are the source's shifted by offsets that
/// are fixed for as long as the source SSRC stays the same, so the source's own gaps and reordering stay visible
/// to the receiver's jitter buffer and loss statistics. When the SSRC changes (a re-INVITE to another device, a
/// transfer), new offsets continue the sequence at the next number and the timestamps at the last one plus the
/// time that passed, and that first packet carries the marker bit so the receiver resynchronises (RFC 3551 §4.1).
/// Owned by the receive loop of the source leg; not thread-safe. <see cref="Ssrc"/> and
/// <see cref="HighestTimestamp"/> may be read from elsewhere (RTCP sender reports) without harm.
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

    /// <summary>
    /// Rewrites SSRC, sequence number and timestamp of <paramref name="datagram"/> (already validated) in place.
    /// Returns true when the packet starts a new source (the caller resets its per-source state).
    /// </summary>
    public bool Rewrite(Span<byte> datagram, ushort sequence, uint timestamp, uint sourceSsrc, TimeSpan arrival)
    {
        var newSource = !_haveSource || sourceSsrc != _sourceSsrc;
        if (newSource)
        {
            var first = !_haveSource;
            // A source's first packet is taken to come one packet interval's worth of time after the previous
            // source's last one at least; the real gap in arrival time counts when it is longer.
            var gap = first ? 0 : Math.Max(1, ToUnits(arrival - _lastArrival));
            _sequenceOffset = (ushort)(_highestSequence + 1 - sequence);
            _timestampOffset = (uint)(_highestTimestamp + gap - timestamp);
            _sourceSsrc = sourceSsrc;
            _haveSource = true;
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

    private long ToUnits(TimeSpan time) => time <= TimeSpan.Zero ? 0 : (long)((Int128)time.Ticks * _clockRate / TimeSpan.TicksPerSecond);
}
