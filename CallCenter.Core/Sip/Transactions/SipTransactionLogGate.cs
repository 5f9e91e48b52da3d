namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Keeps a repeated Warning or Error from flooding the log: per kind, the 1st, 10th, 100th, ... occurrence is logged
/// with the running count, which the counters have exactly. Lock-free; any thread.
/// </summary>
internal sealed class SipTransactionLogGate
{
    private readonly long[] _seen = new long[Enum.GetValues<Kind>().Length];

    public enum Kind
    {
        ShardFull,
        WorkNotQueued,
        Unanswered,
        NoListener,
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
