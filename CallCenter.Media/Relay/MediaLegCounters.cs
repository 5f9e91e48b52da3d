namespace CallCenter.Media.Relay;

/// <summary>
/// Counters of one leg, bumped with Interlocked by the loops (each field has one writing loop, but the heartbeat
/// and the console read them) and summed into the manager's totals when the relay closes.
/// </summary>
internal sealed class MediaLegCounters
{
    public long PacketsIn;
    public long BytesIn;
    public long PacketsOut;
    public long BytesOut;
    public long PayloadOctetsOut;
    public long Garbage;
    public long ForeignSource;
    public long UnexpectedPayloadType;
    public long NotForwarded;
    public long SendFailures;
    public long LatchChanges;
    public long SourceChanges;
    public long Digits;
    public long RtcpIn;
    public long RtcpOut;
    public long RtcpGarbage;
    public long RtcpForeignSource;
    public long ObserverFaults;
    public long ReceiveErrors;

    public MediaLegStatistics Snapshot() => new()
    {
        PacketsIn = Interlocked.Read(ref PacketsIn),
        BytesIn = Interlocked.Read(ref BytesIn),
        PacketsOut = Interlocked.Read(ref PacketsOut),
        BytesOut = Interlocked.Read(ref BytesOut),
        Garbage = Interlocked.Read(ref Garbage),
        ForeignSource = Interlocked.Read(ref ForeignSource),
        UnexpectedPayloadType = Interlocked.Read(ref UnexpectedPayloadType),
        NotForwarded = Interlocked.Read(ref NotForwarded),
        SendFailures = Interlocked.Read(ref SendFailures),
        LatchChanges = Interlocked.Read(ref LatchChanges),
        SourceChanges = Interlocked.Read(ref SourceChanges),
        Digits = Interlocked.Read(ref Digits),
        RtcpIn = Interlocked.Read(ref RtcpIn),
        RtcpOut = Interlocked.Read(ref RtcpOut),
        RtcpGarbage = Interlocked.Read(ref RtcpGarbage),
        RtcpForeignSource = Interlocked.Read(ref RtcpForeignSource),
        ObserverFaults = Interlocked.Read(ref ObserverFaults),
        ReceiveErrors = Interlocked.Read(ref ReceiveErrors),
    };
}
