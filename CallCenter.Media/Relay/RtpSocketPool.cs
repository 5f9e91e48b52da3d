using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;

namespace CallCenter.Media.Relay;

/// <summary>
/// Socket pairs of closed relays, kept open and bound for the next relays: opening and closing a relay's four
/// sockets (socket, bind, getsockname, fcntl, close each) was the largest single cost of a call's set-up outside SIP
/// (bench/RESULTS.md, call set-up). Only for relays served by an event loop, whose sockets outlive their relay
/// unread once the loop has let go of them.
/// <para>A pair is handed out again only after <see cref="CoolDown"/>, oldest first, as the port allocator's round
/// robin does for fresh ports: a phone that goes on sending for a moment after its BYE must not reach the next call.
/// What did arrive meanwhile is read and dropped before reuse, so that a stale packet can neither latch the new leg
/// (symmetric RTP takes the first acceptable source) nor be relayed.</para>
/// <para>Bounded: beyond <see cref="Capacity"/> pairs the oldest is closed instead. Called from call loops when relays
/// open and close, never on the packet path; a plain lock is enough.</para>
/// </summary>
internal sealed class RtpSocketPool
{
    /// <summary>Datagrams read from one idle socket before reuse at most; more than a few means someone still sends to
    /// it, and the next relay's latch and foreign-source check deal with that as with any stranger.</summary>
    private const int MaxDrain = 64;

    private readonly object _gate = new();
    private readonly Queue<(RtpSocketPair Pair, long ReleasedAt)> _idle = new();
    private readonly TimeProvider _time;
    private readonly byte[] _drain = new byte[MediaRelay.ReceiveBufferLength];
    private long _reused;
    private long _drained;
    private bool _closed;

    public RtpSocketPool(int capacity, TimeSpan coolDown, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        CoolDown = coolDown;
        _time = time;
    }

    public int Capacity { get; }

    public TimeSpan CoolDown { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Pairs handed out again instead of opening new sockets.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Stale datagrams read and dropped from idle pairs before reuse.</summary>
    public long Drained => Interlocked.Read(ref _drained);

    /// <summary>The oldest idle pair, emptied, if it has cooled down (or <paramref name="evenIfWarm"/>: the range has no
    /// free port left, and a warm pair is better than refusing the call).</summary>
    public bool TryTake(bool evenIfWarm, [NotNullWhen(true)] out RtpSocketPair? pair)
    {
        lock (_gate)
        {
            if (!_idle.TryPeek(out var oldest) || (!evenIfWarm && _time.GetElapsedTime(oldest.ReleasedAt) < CoolDown))
            {
                pair = null;
                return false;
            }

            _idle.Dequeue();
            pair = oldest.Pair;
            Drain(pair.Rtp);
            Drain(pair.Rtcp);
        }

        Interlocked.Increment(ref _reused);
        return true;
    }

    /// <summary>Keeps a pair whose relay closed (the event loop no longer reads it). Returns the pair to close instead:
    /// the oldest when the pool is full, this one once the pool is closed; otherwise null.</summary>
    public RtpSocketPair? Return(RtpSocketPair pair)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return pair;
            }

            _idle.Enqueue((pair, _time.GetTimestamp()));
            return _idle.Count > Capacity ? _idle.Dequeue().Pair : null;
        }
    }

    /// <summary>Empties and closes the pool (pairs returned later come straight back); the caller closes the pairs and
    /// gives their ports back.</summary>
    public List<RtpSocketPair> TakeAll()
    {
        lock (_gate)
        {
            _closed = true;
            var all = _idle.Select(entry => entry.Pair).ToList();
            _idle.Clear();
            return all;
        }
    }

    /// <summary>Under the lock (the drain buffer is shared). The sockets are non-blocking (the event loop made them
    /// so), so an empty queue answers WouldBlock at once, without an exception.</summary>
    private void Drain(Socket socket)
    {
        for (var i = 0; i < MaxDrain; i++)
        {
            socket.Receive(_drain.AsSpan(), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return;
            }

            // A datagram, or an error queued on the socket (ICMP port unreachable): either way consumed.
            Interlocked.Increment(ref _drained);
        }
    }
}
