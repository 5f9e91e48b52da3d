using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CallCenter.Benchmarks;

/// <summary>Keeps the last lines logged at Debug and above, for explaining a call that went wrong in a benchmark run
/// (CALLPROBE_LOG=1); off by default, since logging is not what the benchmark measures.</summary>
internal sealed class RingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines(string contains) => _lines.Where(line => line.Contains(contains, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new RingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > 20_000 && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class RingLogger(RingLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            factory.Add($"{Environment.CurrentManagedThreadId,3} {category[(category.LastIndexOf('.') + 1)..]} {eventId.Id}: {formatter(state, exception)}");
    }
}
