namespace CallCenter.Media.Relay;

/// <summary>
/// Hands out even RTP ports (RTCP on the odd port above) from a range, round-robin: a released pair goes to the
/// back of the line, so late packets of a finished call are unlikely to reach the next call on the same port.
/// Called from call loops when relays open and close, never on the packet path; a plain lock is enough.
/// </summary>
internal sealed class RtpPortAllocator
{
    private readonly object _gate = new();
    private readonly bool[] _used;
    private int _next;
    private int _inUse;

    public RtpPortAllocator(int portMin, int portMax)
    {
        FirstPort = portMin + (portMin & 1);
        // A pair needs rtp and rtp + 1 inside the range.
        var pairs = (portMax - FirstPort + 1) / 2;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pairs, nameof(portMax));
        _used = new bool[pairs];
    }

    public int FirstPort { get; }

    public int PairCount => _used.Length;

    public int PairsInUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>The next free even port; false when every pair is taken.</summary>
    public bool TryReserve(out int rtpPort)
    {
        lock (_gate)
        {
            for (var probe = 0; probe < _used.Length; probe++)
            {
                var index = (_next + probe) % _used.Length;
                if (!_used[index])
                {
                    _used[index] = true;
                    _inUse++;
                    _next = (index + 1) % _used.Length;
                    rtpPort = FirstPort + (2 * index);
                    return true;
                }
            }
        }

        rtpPort = 0;
        return false;
    }

    public void Release(int rtpPort)
    {
        var index = (rtpPort - FirstPort) / 2;
        if (rtpPort < FirstPort || (rtpPort - FirstPort) % 2 != 0 || index >= _used.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(rtpPort), rtpPort, "Not a port of this range.");
        }

        lock (_gate)
        {
            if (!_used[index])
            {
                throw new InvalidOperationException($"RTP port {rtpPort} was released twice.");
            }

            _used[index] = false;
            _inUse--;
        }
    }
}
