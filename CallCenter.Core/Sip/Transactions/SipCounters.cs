using System.Collections.Frozen;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Requests received per method and responses sent per class, for the console and /healthz. Extension methods
/// are arbitrary tokens, so only the methods we know get a counter of their own and the rest share "other":
/// a scanner inventing methods cannot grow this table. Lock-free; incremented from the SIP loop.
/// </summary>
public sealed class SipCounters
{
    private static readonly string[] KnownMethods =
        ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "INFO", "UPDATE", "PRACK", "MESSAGE", "PUBLISH"];

    private static readonly FrozenDictionary<string, int> MethodIndex =
        KnownMethods.Select((method, index) => (method, index)).ToFrozenDictionary(p => p.method, p => p.index, StringComparer.Ordinal);

    private readonly long[] _requests = new long[KnownMethods.Length + 1];
    private readonly long[] _responses = new long[7];
    private long _malformed;
    private long _dropped;
    private long _banned;

    public void RequestReceived(string method) =>
        Interlocked.Increment(ref _requests[MethodIndex.TryGetValue(method, out var index) ? index : KnownMethods.Length]);

    public void ResponseSent(int status) => Interlocked.Increment(ref _responses[Math.Clamp(status / 100, 1, 6)]);

    public void Malformed() => Interlocked.Increment(ref _malformed);

    /// <summary>The inbound queue was full: the message was dropped (UDP peers retransmit).</summary>
    public void Dropped() => Interlocked.Increment(ref _dropped);

    public void FromBannedSource() => Interlocked.Increment(ref _banned);

    public SipCounterSnapshot Snapshot()
    {
        var requests = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < KnownMethods.Length; i++)
        {
            requests[KnownMethods[i]] = Interlocked.Read(ref _requests[i]);
        }

        requests["other"] = Interlocked.Read(ref _requests[KnownMethods.Length]);
        var responses = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 1; i <= 6; i++)
        {
            responses[$"{i}xx"] = Interlocked.Read(ref _responses[i]);
        }

        return new SipCounterSnapshot(requests, responses, Interlocked.Read(ref _malformed), Interlocked.Read(ref _dropped), Interlocked.Read(ref _banned));
    }
}

public sealed record SipCounterSnapshot(
    IReadOnlyDictionary<string, long> RequestsByMethod,
    IReadOnlyDictionary<string, long> ResponsesByClass,
    long Malformed,
    long DroppedQueueFull,
    long FromBannedSources);
