using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Support;

/// <summary>Keeps every log entry in memory so that tests can assert what was logged, at which level and id.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception));
}

public sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
