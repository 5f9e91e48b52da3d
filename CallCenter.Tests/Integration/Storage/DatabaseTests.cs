using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Storage;

public sealed class DatabaseTests
{
    private static readonly Migration First = new(1, "first", "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");
    private static readonly Migration Second = new(2, "second", "ALTER TABLE things ADD COLUMN colour TEXT NULL; CREATE TABLE more (id INTEGER PRIMARY KEY);");

    private TempFolder _folder = null!;
    private StorageOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder("cc-db");
        _options = new StorageOptions { DataFolder = _folder.Combine("data"), RecordingsFolder = _folder.Combine("rec") };
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Test]
    public async Task EmptyFolderGetsAWalDatabaseWithEveryShippedMigration()
    {
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);

        Assert.That(File.Exists(_options.DatabasePath), Is.True);
        Assert.That(database.SchemaVersion, Is.EqualTo(MigrationCatalog.All.Length));
        Assert.That(MigrationCatalog.All, Is.Not.Empty);
        using var connection = database.OpenConnection();
        Assert.That(connection.ExecuteScalar<string>("PRAGMA journal_mode;"), Is.EqualTo("wal"));
        Assert.That(connection.ExecuteScalar<int>("PRAGMA busy_timeout;"), Is.EqualTo(5000));
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'service_events';"), Is.EqualTo(1));
        Assert.That(
            connection.Query<int>("SELECT version FROM schema_migrations ORDER BY version;"),
            Is.EqualTo(Enumerable.Range(1, MigrationCatalog.All.Length)));
    }

    [Test]
    public async Task ExistingDatabaseIsMigratedForwardAndKeepsItsRows()
    {
        using (var database = await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None))
        {
            using var connection = database.OpenConnection();
            connection.Execute("INSERT INTO things (name) VALUES ('kept');");
        }

        SqliteConnection.ClearAllPools();
        using (var database = await Database.OpenAsync(_options, [First, Second], NullLogger<Database>.Instance, CancellationToken.None))
        {
            Assert.That(database.SchemaVersion, Is.EqualTo(2));
            using var connection = database.OpenConnection();
            Assert.That(connection.ExecuteScalar<string>("SELECT name FROM things;"), Is.EqualTo("kept"));
            connection.Execute("UPDATE things SET colour = 'blue';");
            Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM schema_migrations;"), Is.EqualTo(2));
        }
    }

    [Test]
    public async Task ReopeningAnUpToDateDatabaseAppliesNothing()
    {
        using (await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None))
        {
        }

        SqliteConnection.ClearAllPools();
        using var again = await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None);
        using var connection = again.OpenConnection();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM schema_migrations;"), Is.EqualTo(1));
    }

    [Test]
    public async Task DatabaseFromANewerBuildRefusesToOpenAndIsLeftUntouched()
    {
        using (await Database.OpenAsync(_options, [First, Second], NullLogger<Database>.Instance, CancellationToken.None))
        {
        }

        SqliteConnection.ClearAllPools();
        var ex = Assert.ThrowsAsync<DatabaseSchemaException>(
            () => Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("schema version 2").And.Contain("knows versions up to 1"));

        SqliteConnection.ClearAllPools();
        using var check = await Database.OpenAsync(_options, [First, Second], NullLogger<Database>.Instance, CancellationToken.None);
        Assert.That(check.SchemaVersion, Is.EqualTo(2));
    }

    [Test]
    public async Task AFailingMigrationIsRolledBackWhole()
    {
        var broken = new Migration(2, "broken", "CREATE TABLE half (id INTEGER); THIS IS NOT SQL;");
        using (await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None))
        {
        }

        SqliteConnection.ClearAllPools();
        var ex = Assert.ThrowsAsync<DatabaseSchemaException>(
            () => Database.OpenAsync(_options, [First, broken], NullLogger<Database>.Instance, CancellationToken.None));
        Assert.That(ex!.Message, Does.Contain("0002_broken").And.Contain("rolled back"));

        SqliteConnection.ClearAllPools();
        using var database = await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None);
        using var connection = database.OpenConnection();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half';"), Is.Zero);
        Assert.That(database.SchemaVersion, Is.EqualTo(1));
    }

    [Test]
    public void AFileThatIsNotADatabaseIsReportedAndNotOverwritten()
    {
        Directory.CreateDirectory(_options.DataFolder);
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(_options.DatabasePath, garbage);

        var ex = Assert.ThrowsAsync<DatabaseSchemaException>(
            () => Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain(_options.DatabasePath).And.Contain("restore"));
        Assert.That(File.ReadAllBytes(_options.DatabasePath), Is.EqualTo(garbage));
    }

    [Test]
    public void MigrationsWithAGapAreRejected()
    {
        Assert.Throws<InvalidOperationException>(() => MigrationCatalog.Validate([First, new Migration(3, "third", "SELECT 1;")]));
    }

    [Test]
    public async Task BackupTakenWhileWritersRunIsAConsistentSelfContainedCopy()
    {
        using var database = await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None);
        using (var connection = database.OpenConnection())
        {
            connection.Execute("INSERT INTO things (name) VALUES ('before');");
        }

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            var written = 0;
            using var connection = database.OpenConnection();
            while (!stop.IsCancellationRequested && written < 5_000)
            {
                connection.Execute("INSERT INTO things (name) VALUES ('during');");
                written++;
            }

            return written;
        });

        var target = _folder.Combine("backups", "copy.db");
        await database.BackupAsync(target, CancellationToken.None);
        await stop.CancelAsync();
        var written = await writer;

        Assert.That(File.Exists(target + ".partial"), Is.False);
        Assert.That(File.Exists(target + "-wal"), Is.False);
        using var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False");
        copy.Open();
        Assert.That(copy.ExecuteScalar<string>("PRAGMA integrity_check;"), Is.EqualTo("ok"));
        var rows = copy.ExecuteScalar<int>("SELECT COUNT(*) FROM things;");
        Assert.That(rows, Is.InRange(1, written + 1));
        Assert.That(copy.ExecuteScalar<string>("SELECT name FROM things ORDER BY id LIMIT 1;"), Is.EqualTo("before"));
    }

    [Test]
    public async Task BackupNeverOverwritesAnExistingFile()
    {
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        var target = _folder.Combine("exists.db");
        await File.WriteAllTextAsync(target, "precious");

        Assert.ThrowsAsync<IOException>(() => database.BackupAsync(target, CancellationToken.None));
        Assert.That(await File.ReadAllTextAsync(target), Is.EqualTo("precious"));
    }

    [Test]
    public async Task ConcurrentWritersWaitForEachOtherInsteadOfFailingBusy()
    {
        using var database = await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None);
        using var holder = database.OpenConnection();
        using var transaction = holder.BeginTransaction();
        holder.Execute("INSERT INTO things (name) VALUES ('holder');", transaction: transaction);

        var second = Task.Run(() =>
        {
            using var connection = database.OpenConnection();
            connection.Execute("INSERT INTO things (name) VALUES ('waiter');");
        });
        await Task.Delay(300);
        Assert.That(second.IsCompleted, Is.False, "the second writer should be waiting on the lock");
        transaction.Commit();
        await second;

        using var check = database.OpenConnection();
        Assert.That(check.ExecuteScalar<int>("SELECT COUNT(*) FROM things;"), Is.EqualTo(2));
    }

    [Test]
    public async Task CheckpointEmptiesTheWriteAheadLog()
    {
        using var database = await Database.OpenAsync(_options, [First], NullLogger<Database>.Instance, CancellationToken.None);
        using (var connection = database.OpenConnection())
        {
            for (var i = 0; i < 200; i++)
            {
                connection.Execute("INSERT INTO things (name) VALUES ('x');");
            }
        }

        Assert.That(new FileInfo(_options.DatabasePath + "-wal").Length, Is.GreaterThan(0));
        await database.CheckpointAsync(CancellationToken.None);
        Assert.That(new FileInfo(_options.DatabasePath + "-wal").Length, Is.Zero);
    }

    [Test]
    public async Task ServiceEventsAreAppendedAndReadNewestFirst()
    {
        var time = new FakeTimeProvider();
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        var log = new ServiceEventLog(database, time);
        await log.AppendAsync("cc1", "started", null, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        await log.AppendAsync("cc1", "config-applied", "generation 2", CancellationToken.None);

        var events = await log.ReadLatestAsync(10, CancellationToken.None);
        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[] { "config-applied", "started" }));
        Assert.That(events[0].Detail, Is.EqualTo("generation 2"));
        Assert.That(DateTimeOffset.Parse(events[0].AtUtc, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(time.GetUtcNow()));
    }

    [Test]
    public async Task HealthReportsTheSchemaVersion()
    {
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        var health = database.GetHealth();
        Assert.That(health.Healthy, Is.True);
        Assert.That(health.SchemaVersion, Is.EqualTo(MigrationCatalog.All.Length));
        Assert.That(health.Path, Is.EqualTo(_options.DatabasePath));
    }
}
