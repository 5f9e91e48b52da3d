using Microsoft.Data.Sqlite;

namespace CallCenter.Core.Storage;

/// <summary>
/// The writers keep one open connection and reuse prepared statements, so that SQLite parses each statement once,
/// not once per row. These are the two steps every repository repeats.
/// </summary>
internal static class PreparedCommands
{
    /// <summary>A prepared command with its named parameters in the given order, for <see cref="Bind"/>.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    /// <summary>Sets the values in the order the parameters were prepared; null becomes SQL NULL.</summary>
    public static void Bind(SqliteParameterCollection parameters, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
