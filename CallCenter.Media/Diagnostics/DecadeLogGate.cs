using System.Runtime.CompilerServices;

namespace CallCenter.Media.Diagnostics;

/// <summary>
/// Keeps a flood (bad packets, refused calls, a failing disk) from becoming a flood of log lines: for each kind, the
/// 1st, 10th, 100th, ... occurrence is logged with the running count; the exact totals live in the counters.
/// Lock-free; any thread. The SIP, call and media layers each derive one with their own kinds.
/// </summary>
public abstract class DecadeLogGate<TKind>
    where TKind : struct, Enum
{
    private readonly long[] _seen = new long[Enum.GetValues<TKind>().Length];

    static DecadeLogGate()
    {
        // ShouldLog reads the kind as an int without boxing it (it runs once per bad packet in a flood).
        if (Enum.GetUnderlyingType(typeof(TKind)) != typeof(int))
        {
            throw new InvalidOperationException(typeof(TKind).Name + " must be an int enum.");
        }
    }

    /// <summary>Counts one occurrence of <paramref name="kind"/> (whose values must be 0..n-1); true when this one
    /// is to be logged.</summary>
    public bool ShouldLog(TKind kind, out long count)
    {
        count = Interlocked.Increment(ref _seen[Unsafe.As<TKind, int>(ref kind)]);
        var n = count;
        while (n % 10 == 0)
        {
            n /= 10;
        }

        return n == 1;
    }
}
