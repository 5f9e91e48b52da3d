using System.Collections.Concurrent;

namespace CallCenter.Core.Calls;

/// <summary>
/// Wrong agent PINs per phone, so that the warning about them cannot flood the log: like the SIP layer's log gates,
/// the 1st, 10th, 100th ... wrong PIN in a row from one phone is logged, with the count. A right PIN starts the
/// phone afresh. Keyed by the caller's extension, which authenticated, so the table is bounded by extensions.xml.
/// Any thread (calls' contexts).
/// </summary>
internal sealed class AgentPinFailures
{
    private readonly ConcurrentDictionary<string, long> _inARow = new(StringComparer.Ordinal);

    /// <summary>Counts a wrong PIN from <paramref name="extension"/>; true when this one is to be logged.</summary>
    public bool Record(string extension, out long count)
    {
        count = _inARow.AddOrUpdate(extension, 1, static (_, n) => n + 1);
        var n = count;
        while (n % 10 == 0)
        {
            n /= 10;
        }

        return n == 1;
    }

    public void Clear(string extension) => _inARow.TryRemove(extension, out _);

    public long InARow(string extension) => _inARow.GetValueOrDefault(extension);
}
