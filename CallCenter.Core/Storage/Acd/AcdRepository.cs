using Dapper;
using Microsoft.Data.Sqlite;
using static CallCenter.Core.Storage.PreparedCommands;

namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// The SQL that writes acd_queue_events and acd_agent_states (migration 0004), on one connection kept open with its
/// two statements prepared once, as the CDR repository does. Writer task only; a failure closes them and the next
/// batch opens them again.
/// </summary>
internal sealed class AcdRepository(Database database) : IDisposable
{
    private const string InsertEvent =
        "INSERT INTO acd_queue_events (event_utc, queue, caller_id, agent_id, event, wait_ms, position, original_position, ring_ms, " +
        "talk_ms, hold_ms, wrap_ms, data) VALUES (@At, @Queue, @Caller, @Agent, @Event, @Wait, @Position, @Original, @Ring, @Talk, @Hold, @Wrap, @Data);";

    private const string InsertState =
        "INSERT INTO acd_agent_states (agent_id, state, reason, extension, at_utc) VALUES (@Agent, @State, @Reason, @Extension, @At);";

    private SqliteConnection? _connection;
    private SqliteCommand? _insertEvent;
    private SqliteCommand? _insertState;

    /// <summary>Both lists in one transaction, each in the order it came.</summary>
    public void Write(IReadOnlyList<AcdQueueRecord> events, IReadOnlyList<AcdAgentStateRecord> states)
    {
        try
        {
            var connection = _connection ??= database.OpenConnection();
            _insertEvent ??= Prepare(connection, InsertEvent, "@At", "@Queue", "@Caller", "@Agent", "@Event", "@Wait", "@Position", "@Original",
                "@Ring", "@Talk", "@Hold", "@Wrap", "@Data");
            _insertState ??= Prepare(connection, InsertState, "@Agent", "@State", "@Reason", "@Extension", "@At");
            using var transaction = connection.BeginTransaction();
            _insertEvent.Transaction = transaction;
            _insertState.Transaction = transaction;
            foreach (var e in events)
            {
                Bind(_insertEvent.Parameters, AcdTime.Format(e.At), e.Queue, e.CallerId, e.AgentId, e.Type.ToText(), Ms(e.Wait), e.Position,
                    e.OriginalPosition, Ms(e.Ring), Ms(e.Talk), Ms(e.Hold), Ms(e.WrapUp), e.Data);
                _insertEvent.ExecuteNonQuery();
            }

            foreach (var s in states)
            {
                Bind(_insertState.Parameters, s.AgentId, s.State, s.Reason, s.Extension, AcdTime.Format(s.At));
                _insertState.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Each agent's newest state row, and the newest reason it ever gave for not being ready.</summary>
    public static IReadOnlyList<AcdAgentLastState> LoadLastStates(Database database)
    {
        using var connection = database.OpenConnection();
        return connection.Query<(string AgentId, string State, string? Reason, string? Extension, string At, string? LastReason)>(
                "SELECT s.agent_id, s.state, s.reason, s.extension, s.at_utc, " +
                "(SELECT r.reason FROM acd_agent_states r WHERE r.agent_id = s.agent_id AND r.reason IS NOT NULL ORDER BY r.id DESC LIMIT 1) " +
                "FROM acd_agent_states s WHERE s.id = (SELECT MAX(id) FROM acd_agent_states m WHERE m.agent_id = s.agent_id) ORDER BY s.agent_id;")
            .Select(row => new AcdAgentLastState(row.AgentId, row.State, row.Reason, row.Extension, AcdTime.Parse(row.At), row.LastReason))
            .ToList();
    }

    public void Dispose()
    {
        _insertEvent?.Dispose();
        _insertState?.Dispose();
        _connection?.Dispose();
        _insertEvent = null;
        _insertState = null;
        _connection = null;
    }

    private static long? Ms(TimeSpan? value) => value is { } v ? (long)Math.Round(v.TotalMilliseconds) : null;
}
