using Microsoft.Data.Sqlite;

namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// Reads call records for the console and reports. Each query runs on a pooled connection of its own off the
/// caller's thread (Microsoft.Data.Sqlite has no real async I/O); WAL lets it read while the writer writes.
/// </summary>
public sealed class CdrQueries(Database database)
{
    public const int MaxLimit = 1_000;

    private const string Columns =
        "unique_id, linked_id, start_utc, answer_utc, end_utc, duration, billsec, duration_ms, billsec_ms, src, caller_name, dst, " +
        "dcontext, a_leg_id, b_leg_id, answered_by, disposition, hangup_cause, hangup_sip_code, hangup_by, state, sip_call_id, recording_path";

    /// <summary>
    /// Calls that started in [<paramref name="fromUtc"/>, <paramref name="toUtc"/>), newest first; with an
    /// <paramref name="extension"/>, only those it placed (src), dialled (dst) or answered.
    /// </summary>
    public Task<IReadOnlyList<CdrRecord>> FindAsync(
        DateTimeOffset fromUtc, DateTimeOffset toUtc, string? extension, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var from = CdrTime.Format(fromUtc);
        var to = CdrTime.Format(toUtc);
        return Task.Run<IReadOnlyList<CdrRecord>>(
            () =>
            {
                using var connection = database.OpenConnection();
                using var command = connection.CreateCommand();
                command.CommandText =
                    $"SELECT {Columns} FROM cdr WHERE start_utc >= @From AND start_utc < @To " +
                    "AND (@Extension IS NULL OR src = @Extension OR dst = @Extension OR answered_by = @Extension) " +
                    "ORDER BY start_utc DESC, unique_id LIMIT @Limit OFFSET @Offset;";
                command.Parameters.AddWithValue("@From", from);
                command.Parameters.AddWithValue("@To", to);
                command.Parameters.AddWithValue("@Extension", (object?)extension ?? DBNull.Value);
                command.Parameters.AddWithValue("@Limit", limit);
                command.Parameters.AddWithValue("@Offset", offset);
                return ReadAll(command, cancellationToken);
            },
            cancellationToken);
    }

    public Task<CdrRecord?> GetAsync(string uniqueId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uniqueId);
        return Task.Run(
            () =>
            {
                using var connection = database.OpenConnection();
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {Columns} FROM cdr WHERE unique_id = @Id;";
                command.Parameters.AddWithValue("@Id", uniqueId);
                var rows = ReadAll(command, cancellationToken);
                return rows.Count == 0 ? null : rows[0];
            },
            cancellationToken);
    }

    private static List<CdrRecord> ReadAll(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<CdrRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Add(new CdrRecord(
                reader.GetString(0),
                reader.GetString(1),
                CdrTime.Parse(reader.GetString(2)),
                CdrTime.ParseOrNull(StringOrNull(reader, 3)),
                CdrTime.ParseOrNull(StringOrNull(reader, 4)),
                Int64OrNull(reader, 5),
                Int64OrNull(reader, 6),
                Int64OrNull(reader, 7),
                Int64OrNull(reader, 8),
                reader.GetString(9),
                StringOrNull(reader, 10),
                reader.GetString(11),
                StringOrNull(reader, 12),
                reader.GetString(13),
                StringOrNull(reader, 14),
                StringOrNull(reader, 15),
                StringOrNull(reader, 16),
                (int?)Int64OrNull(reader, 17),
                (int?)Int64OrNull(reader, 18),
                StringOrNull(reader, 19),
                reader.GetString(20),
                reader.GetString(21),
                StringOrNull(reader, 22)));
        }

        return rows;
    }

    internal static string? StringOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? Int64OrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
