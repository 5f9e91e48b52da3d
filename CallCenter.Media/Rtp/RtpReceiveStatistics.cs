namespace CallCenter.Media.Rtp;

/// <summary>
/// What a receiver reports about one source (RFC 3550 §6.4.1): sequence tracking with probation and wrap-around
/// (§A.1), packets expected and lost (§A.3) and interarrival jitter (§A.8, the integer form). One instance per
/// source: when the SSRC changes, <see cref="Reset"/>. Not thread-safe; it belongs to the loop that receives the
/// stream (a report may be taken on another thread only if that thread is the owner's, or a racy snapshot is fine).
/// </summary>
public sealed class RtpReceiveStatistics
{
    // §A.1: a source is valid after MinSequential packets in sequence; a jump of MaxDropout ahead or MaxMisorder
    // behind is treated as a restart only if the next packet confirms it.
    private const int MinSequential = 2;
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const uint SequenceModulus = 1 << 16;

    private readonly int _clockRate;
    private bool _started;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private uint _badSequence;
    private int _probation;
    private uint _received;
    private uint _expectedPrior;
    private uint _receivedPrior;
    private bool _haveTransit;
    private long _transit;
    private uint _jitterScaled;
    private uint _lastSenderReport;
    private TimeSpan _lastSenderReportArrival;
    private bool _haveSenderReport;

    public RtpReceiveStatistics(int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _clockRate = clockRate;
    }

    /// <summary>Packets counted as received once the source passed probation (duplicates included, per §A.3).</summary>
    public uint Received => _received;

    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    public uint Expected => _started && _probation == 0 ? ExtendedHighestSequence - _baseSequence + 1 : 0;

    /// <summary>Expected minus received, clamped to the 24-bit field of a report block.</summary>
    public int CumulativeLost =>
        (int)Math.Clamp((long)Expected - _received, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost);

    /// <summary>Interarrival jitter in timestamp units (§6.4.1), as a report block carries it.</summary>
    public uint Jitter => _jitterScaled >> 4;

    public void Reset()
    {
        _started = false;
        _haveTransit = false;
        _jitterScaled = 0;
        _haveSenderReport = false;
    }

    /// <summary>
    /// Counts one packet and returns whether it belongs to a valid source sequence (§A.1 update_seq). The jitter
    /// estimate takes this packet's transit time into account unless <paramref name="measureJitter"/> is false:
    /// RFC 4733 event packets repeat one timestamp for the whole event, which would read as jitter.
    /// </summary>
    public bool Update(ushort sequence, uint timestamp, TimeSpan arrival, bool measureJitter = true)
    {
        if (!_started)
        {
            Initialise(sequence);
            _maxSequence = (ushort)(sequence - 1);
            _probation = MinSequential;
            _started = true;
        }

        if (!UpdateSequence(sequence))
        {
            return false;
        }

        if (measureJitter)
        {
            UpdateJitter(timestamp, arrival);
        }

        return true;
    }

    /// <summary>Remembers an SR from this source, so the next report block can echo it as LSR and DLSR.</summary>
    public void RecordSenderReport(RtcpSenderInfo sender, TimeSpan arrival)
    {
        _lastSenderReport = sender.CompactNtpTimestamp;
        _lastSenderReportArrival = arrival;
        _haveSenderReport = true;
    }

    /// <summary>
    /// The report block for this source as of <paramref name="now"/> (same clock as the arrivals). Taking it starts
    /// a new reporting interval for the fraction lost (§A.3).
    /// </summary>
    public RtcpReportBlock TakeReportBlock(uint ssrc, TimeSpan now)
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        _expectedPrior = expected;
        var receivedInterval = _received - _receivedPrior;
        _receivedPrior = _received;
        var lostInterval = (long)expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);

        uint delay = 0;
        if (_haveSenderReport)
        {
            // DLSR in units of 1/65536 s (§6.4.1).
            var elapsed = now - _lastSenderReportArrival;
            delay = elapsed <= TimeSpan.Zero ? 0 : (uint)Math.Min(uint.MaxValue, elapsed.Ticks * 65536 / TimeSpan.TicksPerSecond);
        }

        return new RtcpReportBlock(
            ssrc,
            fraction,
            CumulativeLost,
            ExtendedHighestSequence,
            Jitter,
            _haveSenderReport ? _lastSenderReport : 0,
            delay);
    }

    private void Initialise(ushort sequence)
    {
        _baseSequence = sequence;
        _maxSequence = sequence;
        _badSequence = SequenceModulus + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    private bool UpdateSequence(ushort sequence)
    {
        var delta = (ushort)(sequence - _maxSequence);
        if (_probation > 0)
        {
            if (sequence == (ushort)(_maxSequence + 1))
            {
                _probation--;
                _maxSequence = sequence;
                if (_probation == 0)
                {
                    Initialise(sequence);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSequence = sequence;
            }

            return false;
        }

        if (delta < MaxDropout)
        {
            // In order, possibly with a gap; wrapping past 65535 counts another cycle.
            if (sequence < _maxSequence)
            {
                _cycles += SequenceModulus;
            }

            _maxSequence = sequence;
        }
        else if (delta <= SequenceModulus - MaxMisorder)
        {
            // A large jump: the source may have restarted. Believe it only if the next packet follows this one.
            if (sequence == _badSequence)
            {
                Initialise(sequence);
            }
            else
            {
                _badSequence = (sequence + 1u) & (SequenceModulus - 1);
                return false;
            }
        }

        // Otherwise a duplicate or a packet slightly out of order: counted, max unchanged.
        _received++;
        return true;
    }

    private void UpdateJitter(uint timestamp, TimeSpan arrival)
    {
        var arrivalUnits = (long)((Int128)arrival.Ticks * _clockRate / TimeSpan.TicksPerSecond);
        // Transit in timestamp units; only differences matter, so the 32-bit timestamp is unwrapped against the
        // previous transit by taking the difference modulo 2^32 as signed.
        var transit = arrivalUnits - timestamp;
        if (_haveTransit)
        {
            var d = (long)(int)(uint)(transit - _transit);
            if (d < 0)
            {
                d = -d;
            }

            // §A.8: J += (|D| - J) / 16, kept scaled by 16 to stay in integers. A wild timestamp must not wrap it.
            var next = _jitterScaled + d - ((_jitterScaled + 8L) >> 4);
            _jitterScaled = (uint)Math.Clamp(next, 0, uint.MaxValue);
        }

        _transit = transit;
        _haveTransit = true;
    }
}
