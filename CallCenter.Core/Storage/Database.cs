using System.Globalization;
using CallCenter.Core.Configuration;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage;

/// <summary>
/// The one owner of the SQLite file: opens it in WAL mode with a busy timeout, brings its schema up to date at
/// start-up and hands out connections. Live call state never lives here (STYLE.md §9); the store keeps records,
/// written off the call path, so a slow disk delays a write and never a call.
/// Thread-safe: every caller gets its own pooled connection.
/// </summary>
public sealed partial class Database : IDisposable
{
    private readonly string _connectionString;
    private readonly TimeSpan _busyTimeout;
    private readonly ILogger<Database> _logger;
    private int _disposed;

    private Database(string path, int schemaVersion, TimeSpan busyTimeout, ILogger<Database> logger)
    {
        Path = path;
        SchemaVersion = schemaVersion;
        _busyTimeout = busyTimeout;
        _logger = logger;
        _connectionString = ConnectionString(path, busyTimeout, pooling: true);
    }

    public string Path { get; }

    public int SchemaVersion { get; }

    static Database()
    {
        // Selects the bundled e_sqlite3 native library once per process, and stops glibc from handing what SQLite
        // frees back to the kernel after every transaction (NativeHeap).
        SQLitePCL.Batteries_V2.Init();
        NativeHeap.KeepFreedMemory();

        // Before the first connection opens (later, sqlite3_config refuses with SQLITE_MISUSE and nothing changes):
        // no global count of SQLite's memory, which took a process-wide mutex around every malloc and free, and
        // no mutex around each connection either. Every connection here is used by one thread at a time — a writer
        // task owns its own, a query takes one from the pool and returns it — which is what multi-thread mode asks.
        // The CDR writes cost 7-11 % less CPU for it (cdrprobe, alternating runs, perf stat task-clock).
        _ = SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MEMSTATUS, 0);
        _ = SQLitePCL.raw.sqlite3_config(SQLitePCL.raw.SQLITE_CONFIG_MULTITHREAD);
    }

    public static Task<Database> OpenAsync(StorageOptions options, ILogger<Database> logger, CancellationToken cancellationToken) =>
        OpenAsync(options, MigrationCatalog.All, logger, cancellationToken);

    /// <summary>Opens (creating when absent) and migrates the database. Throws <see cref="DatabaseSchemaException"/>
    /// when the file is not a database, was written by a newer build, or a migration fails; nothing is changed then.</summary>
    internal static Task<Database> OpenAsync(
        StorageOptions options, IReadOnlyList<Migration> migrations, ILogger<Database> logger, CancellationToken cancellationToken)
    {
        MigrationCatalog.Validate(migrations);
        Directory.CreateDirectory(options.DataFolder);
        var path = System.IO.Path.GetFullPath(options.DatabasePath);

        // Microsoft.Data.Sqlite 6 has no truly asynchronous I/O; run the start-up work off the caller's thread.
        return Task.Run(
            () =>
            {
                try
                {
                    var version = Migrate(path, options.BusyTimeout, migrations, logger, cancellationToken);
                    return new Database(path, version, options.BusyTimeout, logger);
                }
                catch (SqliteException ex)
                {
                    throw new DatabaseSchemaException(
                        $"Cannot use the database '{path}': {ex.Message} (SQLite error {ex.SqliteErrorCode}). " +
                        "If the file is damaged, stop the service and restore the latest backup in its place.",
                        ex);
                }
            },
            cancellationToken);
    }

    /// <summary>A new open connection with this database's pragmas; dispose it when done.</summary>
    public SqliteConnection OpenConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        ApplyConnectionPragmas(connection, _busyTimeout);
        return connection;
    }

    /// <summary>
    /// Writes a consistent copy of the live database to <paramref name="destinationPath"/> while the service keeps
    /// running (SQLite's online backup API copies a snapshot; writers are only briefly blocked). The copy is written
    /// beside the target first, checked with <c>integrity_check</c>, and only then renamed into place, so a half
    /// written backup never looks like a good one.
    /// </summary>
    public Task BackupAsync(string destinationPath, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return BackupFileAsync(Path, destinationPath, _busyTimeout, cancellationToken);
    }

    /// <summary>
    /// The same copy taken from outside the server process (the <c>backup</c> verb). It opens the file without
    /// migrating it: a newer binary run beside an older running server must not change the schema under it.
    /// </summary>
    public static Task BackupFileAsync(string databasePath, string destinationPath, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        var destination = System.IO.Path.GetFullPath(destinationPath);
        if (!File.Exists(databasePath))
        {
            throw new FileNotFoundException($"There is no database at '{databasePath}' to back up.", databasePath);
        }

        if (File.Exists(destination))
        {
            throw new IOException($"The backup target '{destination}' exists already; choose a new file name.");
        }

        var folder = System.IO.Path.GetDirectoryName(destination);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return Task.Run(
            () =>
            {
                var partial = destination + ".partial";
                File.Delete(partial);
                try
                {
                    using (var source = new SqliteConnection(ConnectionString(databasePath, busyTimeout, pooling: false)))
                    using (var target = new SqliteConnection(ConnectionString(partial, busyTimeout, pooling: false)))
                    {
                        source.Open();
                        ApplyConnectionPragmas(source, busyTimeout);
                        target.Open();
                        source.BackupDatabase(target);

                        // A backup is one self-contained file: no -wal companion to forget when copying it away.
                        target.Execute("PRAGMA journal_mode=DELETE;");
                        var check = target.ExecuteScalar<string>("PRAGMA integrity_check;");
                        if (!string.Equals(check, "ok", StringComparison.Ordinal))
                        {
                            throw new IOException($"The backup copy failed its integrity check: {check}");
                        }
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    File.Move(partial, destination);
                }
                catch (SqliteException ex)
                {
                    throw new IOException($"Cannot back up '{databasePath}': {ex.Message}", ex);
                }
                finally
                {
                    File.Delete(partial);
                }
            },
            cancellationToken);
    }

    /// <summary>Moves everything from the WAL into the main file; called on shutdown so that a copied .db file is
    /// complete and the -wal file is empty.</summary>
    public Task CheckpointAsync(CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using var connection = OpenConnection();
                connection.Execute("PRAGMA wal_checkpoint(TRUNCATE);");
            },
            cancellationToken);

    public DatabaseHealth GetHealth()
    {
        try
        {
            using var connection = OpenConnection();
            var version = connection.ExecuteScalar<int>("SELECT IFNULL(MAX(version), 0) FROM schema_migrations;");
            return new DatabaseHealth(true, version, Path, null);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
        {
            return new DatabaseHealth(false, SchemaVersion, Path, ex.Message);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Pooled connections keep the file open; release them so the folder can be moved or backed up by copy.
        using var probe = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(probe);
    }

    private static string ConnectionString(string path, TimeSpan busyTimeout, bool pooling) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = pooling,
            DefaultTimeout = Math.Max(1, (int)busyTimeout.TotalSeconds),
        }.ToString();

    private static void ApplyConnectionPragmas(SqliteConnection connection, TimeSpan busyTimeout)
    {
        // busy_timeout makes a writer wait for another writer instead of failing with SQLITE_BUSY at once;
        // synchronous=NORMAL is the documented safe pairing with WAL (durable across process crashes).
        connection.Execute(string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout={(int)busyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"));
    }

    private static int Migrate(
        string path, TimeSpan busyTimeout, IReadOnlyList<Migration> migrations, ILogger<Database> logger, CancellationToken cancellationToken)
    {
        using var connection = new SqliteConnection(ConnectionString(path, busyTimeout, pooling: false));
        connection.Open();
        ApplyConnectionPragmas(connection, busyTimeout);

        // Reading the header first turns "not a database" into a clear error before anything is written.
        connection.Execute("SELECT COUNT(*) FROM sqlite_master;");
        var mode = connection.ExecuteScalar<string>("PRAGMA journal_mode=WAL;");
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new DatabaseSchemaException($"The database '{path}' could not be switched to WAL mode (it reports '{mode}').");
        }

        connection.Execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_utc TEXT NOT NULL);");
        var current = connection.ExecuteScalar<int>("SELECT IFNULL(MAX(version), 0) FROM schema_migrations;");
        var known = migrations.Count;
        if (current > known)
        {
            throw new DatabaseSchemaException(
                $"The database '{path}' has schema version {current}, but this CallCenter build knows versions up to {known}. " +
                "It was written by a newer CallCenter: install that version again, or restore a backup made by this one.");
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction();
            try
            {
                connection.Execute(migration.Sql, transaction: transaction);
                connection.Execute(
                    "INSERT INTO schema_migrations (version, name, applied_utc) VALUES (@Version, @Name, @At);",
                    new { migration.Version, migration.Name, At = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) },
                    transaction);
                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw new DatabaseSchemaException(
                    $"Migration {migration.Version:D4}_{migration.Name} failed on '{path}' and was rolled back: {ex.Message}", ex);
            }

            LogMigrationApplied(logger, migration.Version, migration.Name, path);
        }

        return Math.Max(current, known);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Database migration {Version} ({Name}) applied to {Path}")]
    private static partial void LogMigrationApplied(ILogger logger, int version, string name, string path);

}
