namespace CallCenter.Core.Storage.Cdr;

/// <summary>Reads the event log of calls (table cel). Off the caller's thread, on a pooled connection.</summary>
public sealed class CelQueries(Database database)
{
    /// <summary>Every event of one call's legs, in the order they were reported.</summary>
    public Task<IReadOnlyList<CelRecord>> ForCallAsync(string uniqueId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uniqueId);
        return Task.Run<IReadOnlyList<CelRecord>>(
            () =>
            {
                using var connection = database.OpenConnection();
                using var command = connection.CreateCommand();
                command.CommandText =
                    "SELECT id, unique_id, linked_id, leg_id, event_type, event_utc, extra FROM cel WHERE unique_id = @Id ORDER BY id;";
                command.Parameters.AddWithValue("@Id", uniqueId);
                var rows = new List<CelRecord>();
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    rows.Add(new CelRecord(
                        reader.GetInt64(0),
                        reader.GetString(1),
                        reader.GetString(2),
                        reader.GetString(3),
                        reader.GetString(4),
                        CdrTime.Parse(reader.GetString(5)),
                        CdrQueries.StringOrNull(reader, 6)));
                }

                return rows;
            },
            cancellationToken);
    }
}
