using System.Collections.Concurrent;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>Every logger it creates writes into one list, with its category, so a test can see what the layer and
/// its SIP trace logged.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<(string Category, LogEntry Entry)> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.Select(e => e.Entry).ToList();

    public IReadOnlyList<LogEntry> In(string category) => _entries.Where(e => e.Category == category).Select(e => e.Entry).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(ListLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((category, new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception)));
    }
}
