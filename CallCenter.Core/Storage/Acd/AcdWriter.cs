using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// Writes the router's queue events and agent state changes to SQLite behind the routing (STYLE.md §9), on the
/// write-behind loop the CDR and registration writers share: <see cref="Queue"/> and <see cref="AgentState"/> take the
/// short gate, add to the pending batch, ring and return; one task commits a batch per window.
/// <para>Bounded (§12): at most <see cref="Capacity"/> records wait, a batch being written included. A record that
/// finds it full is dropped and counted in <see cref="Dropped"/>, and the first drop of an episode is logged; the
/// router never waits. Agent state rows are worth more than queue events (the next start restores from them), so
/// they may use a reserve of a quarter more.</para>
/// <para>Durability as the CDR writer's: the last window (~100 ms) is lost in a crash.</para>
/// </summary>
public sealed partial class AcdWriter : BoundedWriteBehindLoop, IAcdRecordSink
{
    public const int DefaultCapacity = 20_000;

    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly AcdRepository _repository;
    private readonly ILogger _logger;
    private List<AcdQueueRecord> _events = [];
    private List<AcdAgentStateRecord> _states = [];
    private List<AcdQueueRecord> _takenEvents = [];
    private List<AcdAgentStateRecord> _takenStates = [];

    internal AcdWriter(AcdRepository repository, TimeProvider time, ILogger logger, int capacity = DefaultCapacity)
        : base(time, BatchWindow, RetryDelay, capacity)
    {
        _repository = repository;
        _logger = logger;
    }

    protected override int PendingLocked => _events.Count + _states.Count;

    /// <summary>Adds one queue event; false when it was dropped.</summary>
    public bool TryAdd(AcdQueueRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        bool accepted;
        lock (Gate)
        {
            accepted = HasRoomLocked(Capacity);
            if (accepted)
            {
                _events.Add(record);
            }
        }

        return Accepted(accepted);
    }

    /// <summary>Adds one agent state change; false when it was dropped.</summary>
    public bool TryAdd(AcdAgentStateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        bool accepted;
        lock (Gate)
        {
            accepted = HasRoomLocked(ReserveCeiling);
            if (accepted)
            {
                _states.Add(record);
            }
        }

        return Accepted(accepted);
    }

    void IAcdRecordSink.Queue(AcdQueueRecord record) => TryAdd(record);

    void IAcdRecordSink.AgentState(AcdAgentStateRecord record) => TryAdd(record);

    protected override int TakePendingLocked()
    {
        _takenEvents = _events;
        _takenStates = _states;
        _events = [];
        _states = [];
        return _takenEvents.Count + _takenStates.Count;
    }

    protected override long WriteTaken()
    {
        _repository.Write(_takenEvents, _takenStates);
        return _takenEvents.Count + _takenStates.Count;
    }

    // Order matters for the state log (the newest row is the state restored), so the failed batch goes back in
    // front of what arrived since.
    protected override void PutBackPendingLocked()
    {
        _events.InsertRange(0, _takenEvents);
        _states.InsertRange(0, _takenStates);
    }

    protected override void OnQueueFull() => LogQueueFull(_logger, Capacity);

    protected override void OnDropsEnded(long dropped) => LogDropsEnded(_logger, dropped);

    protected override void OnWriteFailed(int count, Exception exception) => LogWriteFailed(_logger, count, exception);

    protected override void OnWriteRecovered() => LogWriteRecovered(_logger);

    protected override void OnStopped() => _repository.Dispose();

    [LoggerMessage(EventId = 1300, Level = LogLevel.Warning,
        Message = "Saving {Count} ACD records to the database failed; retrying every few seconds, routing is unaffected")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "ACD records are being saved to the database again")]
    private static partial void LogWriteRecovered(ILogger logger);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning,
        Message = "The ACD record queue is full ({Capacity} waiting): records are being dropped until the database catches up")]
    private static partial void LogQueueFull(ILogger logger, int capacity);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "The ACD record queue has room again; {Dropped} records were dropped")]
    private static partial void LogDropsEnded(ILogger logger, long dropped);
}
