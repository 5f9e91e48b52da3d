using System.Collections.Concurrent;
using System.Threading.Channels;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>
/// The call features users changed at run time (feature codes, the web API), over what extensions.xml says. Live
/// state is in memory and read by every call's routing; SQLite keeps a write-behind copy so that a restart keeps
/// them (STYLE §9: records written off the call path).
/// <para>Writes are coalesced per extension: the pending set holds at most the latest overrides of each extension
/// changed since the last batch, so it is bounded by the number of users and nothing is ever dropped. One writer
/// task applies each batch in one transaction; a failed batch stays pending and is retried on the next change or
/// flush, and counted.</para>
/// <para>Threading: any thread. Readers never lock; a change takes a short lock to keep the pending set and the
/// live state in step.</para>
/// </summary>
public sealed partial class UserFeatureStore : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FeatureOverrides> _overrides = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly UserFeatureRepository? _repository;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writing = new(1, 1);

    // A doorbell, not a queue: one pending ring is enough to make the writer look at _pending.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private Dictionary<string, FeatureOverrides> _pending = new(StringComparer.Ordinal);
    private Task? _loop;
    private long _failures;

    /// <summary>A store in memory only (tests, and a server without a database).</summary>
    public UserFeatureStore(TimeProvider time, ILogger<UserFeatureStore> logger)
        : this(null, time, logger)
    {
    }

    private UserFeatureStore(UserFeatureRepository? repository, TimeProvider time, ILogger logger)
    {
        _repository = repository;
        _time = time;
        _logger = logger;
    }

    /// <summary>Batches that could not be written (each is retried).</summary>
    public long WriteFailures => Interlocked.Read(ref _failures);

    public int PendingWrites
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Opens the store over the database: the overrides saved by the last run apply at once.</summary>
    public static async Task<UserFeatureStore> OpenAsync(Database database, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(loggers);
        var repository = new UserFeatureRepository(database);
        var rows = await Task.Run(repository.LoadAll, cancellationToken);
        var store = new UserFeatureStore(repository, time, loggers.CreateLogger<UserFeatureStore>());
        foreach (var (extension, overrides) in rows)
        {
            store._overrides[extension] = overrides;
        }

        store._loop = Task.Run(store.WriteLoopAsync, CancellationToken.None);
        LogRestored(store._logger, rows.Count);
        return store;
    }

    public FeatureOverrides Get(string extension) => _overrides.GetValueOrDefault(extension, FeatureOverrides.None);

    /// <summary>The features routing applies to <paramref name="user"/>: extensions.xml with this user's changes.</summary>
    public UserFeatures Resolve(UserOptions user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var configured = UserFeatures.Of(user);
        return _overrides.TryGetValue(user.Extension, out var overrides) ? overrides.ApplyTo(configured) : configured;
    }

    /// <summary>Changes <paramref name="user"/>'s overrides; returns the features that apply from now on. The
    /// caller has checked the targets (they exist, and are not the user itself).</summary>
    public UserFeatures Change(UserOptions user, Func<FeatureOverrides, FeatureOverrides> change)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(change);
        FeatureOverrides next;
        lock (_gate)
        {
            next = change(Get(user.Extension));
            if (next.IsEmpty)
            {
                _overrides.TryRemove(user.Extension, out _);
            }
            else
            {
                _overrides[user.Extension] = next;
            }

            if (_repository is not null)
            {
                _pending[user.Extension] = next;
            }
        }

        _doorbell.Writer.TryWrite(true);
        LogChanged(_logger, user.Extension, next.ToString());
        return next.ApplyTo(UserFeatures.Of(user));
    }

    /// <summary>Forgets every change of <paramref name="user"/>: extensions.xml applies again.</summary>
    public UserFeatures Reset(UserOptions user) => Change(user, _ => FeatureOverrides.None);

    /// <summary>Writes what is pending now (tests, shutdown). Completes once it is on disk or failed.</summary>
    public Task FlushAsync() => _repository is null ? Task.CompletedTask : Task.Run(WritePendingAsync);

    public async ValueTask DisposeAsync()
    {
        _doorbell.Writer.TryComplete();
        if (_loop is not null)
        {
#pragma warning disable VSTHRD003 // The loop is this store's own, started in OpenAsync.
            await _loop.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }

        await FlushAsync().ConfigureAwait(false);
        _writing.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        while (await _doorbell.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _doorbell.Reader.TryRead(out _);
            await WritePendingAsync().ConfigureAwait(false);
        }
    }

    private async Task WritePendingAsync()
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            Dictionary<string, FeatureOverrides> batch;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = _pending;
                _pending = new(StringComparer.Ordinal);
            }

            try
            {
                _repository!.Write(batch, _time.GetUtcNow());
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
            {
                Interlocked.Increment(ref _failures);
                LogWriteFailed(_logger, batch.Count, ex);
                lock (_gate)
                {
                    // A change made meanwhile is newer than the failed batch's: keep it.
                    foreach (var (extension, overrides) in batch)
                    {
                        _pending.TryAdd(extension, overrides);
                    }
                }
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "Call features changed at run time restored for {Count} users")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "Call features of {Extension} changed: {Overrides}")]
    private static partial void LogChanged(ILogger logger, string extension, string overrides);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Warning, Message = "Call features of {Count} users could not be saved; retried on the next change")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
