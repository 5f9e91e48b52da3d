using CallCenter.Core.Telephony;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// Call detail records: the writer the call layer reports to and the queries the console reads with. Opened once
/// by the host before SIP listens; disposing it writes what is still pending.
/// </summary>
public sealed partial class CdrStore : IAsyncDisposable
{
    /// <summary>The hangup cause of a call the server died under: Q.850 41, temporary failure, which is what the
    /// caller experienced; disposition FAILED (or ANSWERED if it had been answered), hung up by the system.</summary>
    public const int InterruptedCause = Q850.TemporaryFailure;

    private CdrStore(CdrWriter writer, Database database)
    {
        Writer = writer;
        Records = new CdrQueries(database);
        Events = new CelQueries(database);
    }

    public CdrWriter Writer { get; }

    public CdrQueries Records { get; }

    public CelQueries Events { get; }

    /// <summary>
    /// Closes the rows the previous run left open (a crash, a kill, a power cut: the call had begun and never ended
    /// on record) as interrupted, logs how many, then starts the writer. Call before SIP starts, so that no call of
    /// this run can be mistaken for one of the last. The end time given to them is the last time the previous run
    /// is known to have been alive (the newest time it wrote to service_events, cdr or cel), never before the call's
    /// own start: an upper bound on when the call really ended, since the server may have died earlier.
    /// </summary>
    public static Task<CdrStore> OpenAsync(Database database, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        OpenAsync(database, time, loggers, CdrWriter.DefaultCapacity, cancellationToken);

    /// <param name="capacity">How many reports may wait for the disk before new ones are dropped (see <see cref="CdrWriter"/>).</param>
    public static async Task<CdrStore> OpenAsync(
        Database database, TimeProvider time, ILoggerFactory loggers, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(loggers);
        var logger = loggers.CreateLogger<CdrStore>();
        var repository = new CdrRepository(database);
        var (closed, lastAlive) = await Task.Run(() => repository.CloseInterrupted(InterruptedCause), cancellationToken);
        if (closed > 0)
        {
            LogInterruptedClosed(logger, closed, lastAlive);
        }
        else
        {
            LogNoneInterrupted(logger);
        }

        var writer = new CdrWriter(repository, time, loggers.CreateLogger<CdrWriter>(), capacity);
        writer.Start();
        return new CdrStore(writer, database);
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning,
        Message = "{Count} call records were left open by the previous run (it stopped without ending them); closed as interrupted at {LastAlive:O}, the last time it was known alive")]
    private static partial void LogInterruptedClosed(ILogger logger, int count, DateTimeOffset? lastAlive);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "No call records were left open by the previous run")]
    private static partial void LogNoneInterrupted(ILogger logger);
}
