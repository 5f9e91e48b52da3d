using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// The ACD's records: the writer the router reports to, the KPI queries the console reads with, and the agents'
/// last states for the router to restore at start-up. Opened once by the host; disposing it writes what is pending.
/// </summary>
public sealed class AcdStore : IAsyncDisposable
{
    private readonly Database _database;

    private AcdStore(AcdWriter writer, Database database)
    {
        Writer = writer;
        Kpis = new AcdKpiQueries(database);
        _database = database;
    }

    public AcdWriter Writer { get; }

    public AcdKpiQueries Kpis { get; }

    public static AcdStore Open(Database database, TimeProvider time, ILoggerFactory loggers, int capacity = AcdWriter.DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(loggers);
        var writer = new AcdWriter(new AcdRepository(database), time, loggers.CreateLogger<AcdWriter>(), capacity);
        writer.Start();
        return new AcdStore(writer, database);
    }

    /// <summary>Each agent's newest state and newest pause reason, to hand to the router before any call arrives.</summary>
    public Task<IReadOnlyList<AcdAgentLastState>> LoadLastAgentStatesAsync(CancellationToken cancellationToken) =>
        Task.Run(() => AcdRepository.LoadLastStates(_database), cancellationToken);

    public ValueTask DisposeAsync() => Writer.DisposeAsync();
}
