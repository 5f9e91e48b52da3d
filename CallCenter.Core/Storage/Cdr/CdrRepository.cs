using Dapper;
using Microsoft.Data.Sqlite;
using static CallCenter.Core.Storage.PreparedCommands;

namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// The SQL that writes the cdr and cel tables (migration 0003). Synchronous: Microsoft.Data.Sqlite has no real async
/// I/O, and its callers (the writer task, the start-up close) are off the call path already.
/// <para>Writes go through one connection kept open with its four statements prepared once, as the registration
/// writer does: a connection opened and its pragmas set for every batch, and every statement parsed again, would
/// cost more than the rows. Writer task only; a failure closes them, and the next batch opens them again.</para>
/// </summary>
internal sealed class CdrRepository(Database database) : IDisposable
{
    private const string InsertCall =
        "INSERT INTO cdr (unique_id, linked_id, start_utc, src, caller_name, dst, dcontext, a_leg_id, sip_call_id) " +
        "VALUES (@Id, @Linked, @Start, @Src, @Name, @Dst, @Context, @ALeg, @CallId) ON CONFLICT (unique_id) DO NOTHING;";

    // Guarded so that a repeated or late answer cannot move the billing start of a call, nor touch a closed one. A
    // call the server answered itself (IVR: no b_leg_id) takes the leg of the phone that answers later, as Asterisk
    // fills dstchannel when the Dial() after an Answer() connects; the time stays the first answer's.
    private const string AnswerCall =
        "UPDATE cdr SET answer_utc = IFNULL(answer_utc, @At), b_leg_id = IFNULL(b_leg_id, @BLeg), " +
        "answered_by = CASE WHEN b_leg_id IS NULL THEN @By ELSE answered_by END " +
        "WHERE unique_id = @Id AND state = 'open' AND (answer_utc IS NULL OR (b_leg_id IS NULL AND @BLeg IS NOT NULL));";

    private const string EndCall =
        "UPDATE cdr SET end_utc = @At, disposition = CASE WHEN answer_utc IS NULL THEN @Disposition ELSE 'ANSWERED' END, " +
        "hangup_cause = @Cause, hangup_sip_code = @Sip, hangup_by = @By, state = 'closed' WHERE unique_id = @Id AND state = 'open';";

    private const string InsertEvent =
        "INSERT INTO cel (unique_id, linked_id, leg_id, event_type, event_utc, extra) VALUES (@Id, @Linked, @Leg, @Type, @At, @Extra);";

    // The latest moment anything of the previous run reached the disk. Each term is an index lookup (or a scan of
    // the few open rows), so this stays cheap on a table of years of calls.
    private const string LastSignOfLife =
        "SELECT MAX(t) FROM (" +
        "SELECT MAX(at_utc) AS t FROM service_events " +
        "UNION ALL SELECT MAX(start_utc) FROM cdr " +
        "UNION ALL SELECT MAX(end_utc) FROM cdr " +
        "UNION ALL SELECT MAX(answer_utc) FROM cdr WHERE state = 'open' " +
        "UNION ALL SELECT event_utc FROM (SELECT event_utc FROM cel ORDER BY id DESC LIMIT 1));";

    private const string CloseOpenCalls =
        "UPDATE cdr SET end_utc = MAX(start_utc, IFNULL(answer_utc, start_utc), IFNULL(@LastAlive, start_utc)), " +
        "disposition = CASE WHEN answer_utc IS NULL THEN 'FAILED' ELSE 'ANSWERED' END, " +
        "hangup_cause = @Cause, hangup_sip_code = NULL, hangup_by = 'system', state = 'interrupted' " +
        "WHERE state = 'open' RETURNING unique_id, linked_id, a_leg_id, end_utc;";

    private SqliteConnection? _connection;
    private SqliteCommand? _insertCall;
    private SqliteCommand? _answerCall;
    private SqliteCommand? _endCall;
    private SqliteCommand? _insertEvent;

    /// <summary>Applies a batch in one transaction: each call's open, answer and end in that order, then the events in
    /// the order they came. Returns how many answers and ends changed nothing (no open row for that call).</summary>
    public int Write(IEnumerable<CdrPendingCall> calls, IReadOnlyList<CallEvent> events)
    {
        try
        {
            var connection = _connection ??= database.OpenConnection();
            _insertCall ??= Prepare(connection, InsertCall, "@Id", "@Linked", "@Start", "@Src", "@Name", "@Dst", "@Context", "@ALeg", "@CallId");
            _answerCall ??= Prepare(connection, AnswerCall, "@Id", "@At", "@BLeg", "@By");
            _endCall ??= Prepare(connection, EndCall, "@Id", "@At", "@Disposition", "@Cause", "@Sip", "@By");
            _insertEvent ??= Prepare(connection, InsertEvent, "@Id", "@Linked", "@Leg", "@Type", "@At", "@Extra");
            using var transaction = connection.BeginTransaction();
            _insertCall.Transaction = transaction;
            _answerCall.Transaction = transaction;
            _endCall.Transaction = transaction;
            _insertEvent.Transaction = transaction;
            var unmatched = 0;
            foreach (var call in calls)
            {
                if (call.Opened is { } opened)
                {
                    Bind(_insertCall.Parameters, opened.UniqueId, opened.LinkedId, CdrTime.Format(opened.StartUtc), opened.Source,
                        opened.CallerName, opened.Destination, opened.DestinationContext, opened.ALegId, opened.SipCallId);
                    _insertCall.ExecuteNonQuery();
                }

                if (call.Answered is { } answered)
                {
                    Bind(_answerCall.Parameters, answered.UniqueId, CdrTime.Format(answered.AnswerUtc), answered.BLegId, answered.AnsweredBy);
                    unmatched += _answerCall.ExecuteNonQuery() == 0 ? 1 : 0;
                }

                if (call.Ended is { } ended)
                {
                    Bind(_endCall.Parameters, ended.UniqueId, CdrTime.Format(ended.EndUtc), ended.Disposition.ToText(), ended.Q850Cause,
                        ended.SipCode, ended.HangupBy.ToText());
                    unmatched += _endCall.ExecuteNonQuery() == 0 ? 1 : 0;
                }
            }

            foreach (var item in events)
            {
                Bind(_insertEvent.Parameters, item.UniqueId, item.LinkedId, item.LegId, item.Type.ToText(), CdrTime.Format(item.EventUtc), item.Extra);
                _insertEvent.ExecuteNonQuery();
            }

            transaction.Commit();
            return unmatched;
        }
        catch
        {
            // Whatever failed (a locked or vanished file), the next batch starts from a fresh connection.
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Closes every row the previous run left open: it ended at the last moment the server is known to have been
    /// alive (the newest time in service_events, cdr or cel, never before the call's own start or answer), as
    /// ANSWERED if it had been answered and FAILED if not, hung up by the system with <paramref name="cause"/>.
    /// A HANGUP event with extra {"reason":"interrupted"} goes on each call's record so that its event list ends too.
    /// </summary>
    public (int Closed, DateTimeOffset? LastAlive) CloseInterrupted(int cause)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var lastAlive = connection.ExecuteScalar<string?>(LastSignOfLife, transaction: transaction);
        var closed = connection.Query<(string UniqueId, string LinkedId, string ALegId, string EndUtc)>(
            CloseOpenCalls, new { LastAlive = lastAlive, Cause = cause }, transaction).AsList();
        foreach (var call in closed)
        {
            connection.Execute(
                InsertEvent,
                new { Id = call.UniqueId, Linked = call.LinkedId, Leg = call.ALegId, Type = CelEventType.Hangup.ToText(), At = call.EndUtc, Extra = "{\"reason\":\"interrupted\"}" },
                transaction);
        }

        transaction.Commit();
        return (closed.Count, CdrTime.ParseOrNull(lastAlive));
    }

    public void Dispose()
    {
        _insertCall?.Dispose();
        _answerCall?.Dispose();
        _endCall?.Dispose();
        _insertEvent?.Dispose();
        _connection?.Dispose();
        _insertCall = null;
        _answerCall = null;
        _endCall = null;
        _insertEvent = null;
        _connection = null;
    }
}
