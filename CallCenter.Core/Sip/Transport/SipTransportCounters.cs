using System.Collections.Immutable;

namespace CallCenter.Core.Sip.Transport;

/// <summary>Counters bumped with Interlocked from every receive loop and sender; read by <see cref="Snapshot"/>.</summary>
internal sealed class SipTransportCounters
{
    private readonly long[] _closed = new long[Enum.GetValues<SipConnectionCloseReason>().Length];

    public long DatagramsIn;
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
