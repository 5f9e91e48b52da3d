namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// Keeps a flood of bad packets from becoming a flood of log lines: for each kind, the 1st, 10th, 100th, ...
/// occurrence is logged with the running count; the exact totals live in the counters.
/// </summary>
internal sealed class SipLogGate
{
    private readonly long[] _seen = new long[Enum.GetValues<SipLogGate.Kind>().Length];

    public enum Kind
    {
        OversizeDatagram,
        UdpReceiveError,
        HandlerFault,
        ConnectionRejected,
        ClosedIdle,
        ClosedPartialTimeout,
        ClosedOversize,
        ClosedMalformed,
        ClosedTlsHandshake,
        ClosedWriteStalled,
    }

    public bool ShouldLog(Kind kind, out long count)
    {
        count = Interlocked.Increment(ref _seen[(int)kind]);
        var n = count;
        while (n % 10 == 0)
        {
            n /= 10;
        }

        return n == 1;
    }
}
