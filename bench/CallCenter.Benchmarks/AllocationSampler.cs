using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace CallCenter.Benchmarks;

/// <summary>
/// The runtime's allocation sampling (GCAllocationTick: one event per ~100 KB allocated, naming the type that crossed
/// the mark) heard in-process, so a probe can say which types a call's 100 KB are made of without external tools.
/// Sampled, so only the larger shares are meaningful.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private long _total;

    public bool Recording { get; set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
        Interlocked.Add(ref _total, amount);
    }

    public void Print(int calls, int top)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocation samples: {_total / Math.Max(1, calls)} bytes per call"));
        foreach (var (type, bytes) in _bytes.OrderByDescending(e => e.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / Math.Max(1, calls),8} B/call {100.0 * bytes / Math.Max(1, _total),5:F1} %  {type}"));
        }
    }
}
