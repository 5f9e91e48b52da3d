using System.Collections.Immutable;

namespace CallCenter.Core.Sip.Transport;

/// <summary>Counters bumped with Interlocked from every receive loop and sender; read by <see cref="Snapshot"/>.</summary>
internal sealed class SipTransportCounters
{
    private readonly long[] _closed = new long[Enum.GetValues<SipConnectionCloseReason>().Length];

    public long DatagramsIn;
    public long DatagramsWaited10Ms;
    public long DatagramsWaited100Ms;
    public long DatagramsWaited500Ms;
    public long DatagramsOut;
    public long OversizeDatagrams;
    public long KeepAlives;
    public long ReceiveErrors;
    public long StreamMessagesIn;
    public long StreamMessagesOut;
    public long BytesIn;
    public long BytesOut;
    public long SendFailures;
    public long HandlerFaults;
    public long ConnectionsOpen;
    public long ConnectionsAccepted;
    public long ConnectionsOpened;
    public long ConnectionsRejected;

    public void CountClosed(SipConnectionCloseReason reason) => Interlocked.Increment(ref _closed[(int)reason]);

    /// <summary>Counts a datagram that sat in the kernel's socket buffer at least 10, 100 or 500 ms before it was read.</summary>
    public void CountWaited(TimeSpan waited)
    {
        if (waited.Ticks < 10 * TimeSpan.TicksPerMillisecond)
        {
            return;
        }

        Interlocked.Increment(ref DatagramsWaited10Ms);
        if (waited.Ticks >= 100 * TimeSpan.TicksPerMillisecond)
        {
            Interlocked.Increment(ref DatagramsWaited100Ms);
            if (waited.Ticks >= 500 * TimeSpan.TicksPerMillisecond)
            {
                Interlocked.Increment(ref DatagramsWaited500Ms);
            }
        }
    }

    public SipTransportStatistics Snapshot()
    {
        var closed = ImmutableDictionary.CreateBuilder<SipConnectionCloseReason, long>();
        foreach (var reason in Enum.GetValues<SipConnectionCloseReason>())
        {
            var count = Interlocked.Read(ref _closed[(int)reason]);
            if (count != 0)
            {
                closed[reason] = count;
            }
        }

        return new SipTransportStatistics
        {
            DatagramsIn = Interlocked.Read(ref DatagramsIn),
            DatagramsWaited10Ms = Interlocked.Read(ref DatagramsWaited10Ms),
            DatagramsWaited100Ms = Interlocked.Read(ref DatagramsWaited100Ms),
            DatagramsWaited500Ms = Interlocked.Read(ref DatagramsWaited500Ms),
            DatagramsOut = Interlocked.Read(ref DatagramsOut),
            OversizeDatagrams = Interlocked.Read(ref OversizeDatagrams),
            KeepAlives = Interlocked.Read(ref KeepAlives),
            ReceiveErrors = Interlocked.Read(ref ReceiveErrors),
            StreamMessagesIn = Interlocked.Read(ref StreamMessagesIn),
            StreamMessagesOut = Interlocked.Read(ref StreamMessagesOut),
            BytesIn = Interlocked.Read(ref BytesIn),
            BytesOut = Interlocked.Read(ref BytesOut),
            SendFailures = Interlocked.Read(ref SendFailures),
            HandlerFaults = Interlocked.Read(ref HandlerFaults),
            ConnectionsOpen = Interlocked.Read(ref ConnectionsOpen),
            ConnectionsAccepted = Interlocked.Read(ref ConnectionsAccepted),
            ConnectionsOpened = Interlocked.Read(ref ConnectionsOpened),
            ConnectionsRejected = Interlocked.Read(ref ConnectionsRejected),
            ConnectionsClosed = closed.ToImmutable(),
        };
    }
}
