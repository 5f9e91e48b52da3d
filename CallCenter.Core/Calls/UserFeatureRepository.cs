using System.Globalization;
using CallCenter.Core.Storage;
using Dapper;

namespace CallCenter.Core.Calls;

/// <summary>The SQL of the user_features table (migration 0004). Synchronous, like the other repositories:
/// Microsoft.Data.Sqlite has no real async I/O, and its callers (the store's writer, start-up) are off the call path.</summary>
internal sealed class UserFeatureRepository(Database database)
{
    public IReadOnlyList<(string Extension, FeatureOverrides Overrides)> LoadAll()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<Row>(
                "SELECT extension AS Extension, dnd AS Dnd, forward_always AS ForwardAlways, forward_busy AS ForwardBusy, " +
                "forward_no_answer AS ForwardNoAnswer FROM user_features ORDER BY extension;")
            .Select(r => (r.Extension, new FeatureOverrides(r.Dnd is null ? null : r.Dnd != 0, r.ForwardAlways, r.ForwardBusy, r.ForwardNoAnswer)))];
    }

    /// <summary>Writes a batch in one transaction; an empty set of overrides deletes the user's row.</summary>
    public void Write(IReadOnlyDictionary<string, FeatureOverrides> batch, DateTimeOffset utcNow)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var updated = utcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        foreach (var (extension, overrides) in batch)
        {
            if (overrides.IsEmpty)
            {
                connection.Execute("DELETE FROM user_features WHERE extension = @Extension;", new { Extension = extension }, transaction);
                continue;
            }

            connection.Execute(
                "INSERT INTO user_features (extension, dnd, forward_always, forward_busy, forward_no_answer, updated_utc) " +
                "VALUES (@Extension, @Dnd, @ForwardAlways, @ForwardBusy, @ForwardNoAnswer, @Updated) " +
                "ON CONFLICT (extension) DO UPDATE SET dnd = excluded.dnd, forward_always = excluded.forward_always, " +
                "forward_busy = excluded.forward_busy, forward_no_answer = excluded.forward_no_answer, updated_utc = excluded.updated_utc;",
                new
                {
                    Extension = extension,
                    Dnd = overrides.DoNotDisturb is { } dnd ? (long?)(dnd ? 1 : 0) : null,
                    overrides.ForwardAlways,
                    overrides.ForwardBusy,
                    overrides.ForwardNoAnswer,
                    Updated = updated,
                },
                transaction);
        }

        transaction.Commit();
    }

    private sealed record Row(string Extension, long? Dnd, string? ForwardAlways, string? ForwardBusy, string? ForwardNoAnswer);
}
