namespace CallCenter.Media.Relay;

/// <summary>
/// Keeps a flood of bad packets from becoming a flood of log lines (as the SIP transport's gate does): for each
/// kind, the 1st, 10th, 100th, ... occurrence across all relays is logged with the running count; exact numbers
/// live in the counters.
/// </summary>
internal sealed class MediaLogGate
{
    private readonly long[] _seen = new long[Enum.GetValues<Kind>().Length];

    public enum Kind
    {
        Garbage,
        ForeignSource,
        ReceiveError,
        ObserverFault,
        SendFailure,
        RtcpGarbage,
        BindFailure,
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
