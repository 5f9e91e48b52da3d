using CallCenter.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CallCenter.Server.Configuration;

/// <summary>
/// The configuration in force, kept current by watching the configuration folder. A burst of file events (an
/// editor writing a temp file, renaming it, touching it) restarts a quiet-period timer; when it expires the
/// folder is loaded once. A valid result replaces <see cref="Current"/> as a whole and raises
/// <see cref="Changed"/>; an invalid one is logged and ignored, so the last good snapshot keeps serving and
/// calls in progress never see a half-applied edit.
/// </summary>
/// <remarks>
/// Reloads are serialised by an async gate (never a blocking lock), so generations increase by exactly one and
/// <see cref="Changed"/> fires in generation order. Handlers run on the reloading thread: a thread-pool thread
/// for a watched edit, the caller's for <see cref="ReloadNowAsync"/>. A handler may start another reload; it
/// simply queues behind the current one.
/// </remarks>
public sealed partial class LiveConfiguration : ILiveConfiguration, IDisposable
{
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromMilliseconds(500);

    private readonly string _folder;
    private readonly ILogger<LiveConfiguration> _logger;
    private readonly TimeSpan _debounce;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly object _gate = new();
    private readonly ITimer _debounceTimer;
    private CallCenterOptions _current;
    private FileSystemWatcher? _watcher;
    private bool _disposed;

    public LiveConfiguration(
        string configFolder, CallCenterOptions initial, ILogger<LiveConfiguration> logger, TimeProvider time, TimeSpan? debounce = null)
    {
        _folder = Path.GetFullPath(configFolder);
        _current = initial;
        _logger = logger;
        _debounce = debounce ?? DefaultDebounce;
        _debounceTimer = time.CreateTimer(static state => ((LiveConfiguration)state!).OnQuietPeriodOver(), this,
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public CallCenterOptions Current => Volatile.Read(ref _current);

    public event Action<CallCenterOptions>? Changed;

    /// <summary>Starts watching the folder (and schema/ below it). Calling it again does nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_watcher is not null)
            {
                return;
            }

            var watcher = new FileSystemWatcher(_folder)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.Error += OnWatcherError;
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }

        LogWatching(_logger, _folder, _debounce.TotalMilliseconds);
    }

    /// <summary>
    /// Loads the folder now, in order with watched reloads: generation current+1 on success (applied and
    /// announced before this returns), the errors otherwise (logged, nothing changes).
    /// </summary>
    public async Task<ConfigLoadResult> ReloadNowAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var previous = Current;
            var result = ConfigurationLoader.Load(_folder, previous.Generation + 1);
            if (!result.Succeeded)
            {
                LogRejected(_logger, _folder, previous.Generation, result.Errors.Length,
                    string.Join(Environment.NewLine, result.Errors.Select(e => "  " + e)));
                return result;
            }

            Volatile.Write(ref _current, result.Options!);
            LogApplied(_logger, result.Options!.Generation, _folder);
            RaiseChanged(result.Options!);
            return result;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>What the watcher does for a file event; tests call it to drive the debounce with fake time.</summary>
    internal void OnFileChanged(string relativeName)
    {
        if (!IsConfigurationFile(relativeName))
        {
            return;
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                // Re-arming restarts the quiet period: only the last event of a burst leads to a load.
                _debounceTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        FileSystemWatcher? watcher;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            watcher = _watcher;
            _watcher = null;
            _debounceTimer.Dispose();
        }

        watcher?.Dispose();
    }

    // Editors save through temp files (vim's 4913 and .swp, "file~", ".#file"), so only the files that make up
    // a configuration count; a rename counts when either side of it does.
    private static bool IsConfigurationFile(string? relativeName)
    {
        var name = Path.GetFileName(relativeName);
        return !string.IsNullOrEmpty(name) && !name.StartsWith('.')
            && (name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".xsd", StringComparison.OrdinalIgnoreCase));
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        OnFileChanged(e.Name ?? string.Empty);
        if (e is RenamedEventArgs renamed)
        {
            OnFileChanged(renamed.OldName ?? string.Empty);
        }
    }

    // The watcher's buffer overflowed or its handle died: events may have been lost, so reload to be sure.
    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        LogWatcherError(_logger, e.GetException(), _folder);
        OnFileChanged(ConfigurationLoader.MainFile);
    }

    // Runs on the timer's thread (a thread-pool thread, or the test's thread under fake time).
    private void OnQuietPeriodOver()
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }

        _ = ReloadFromWatcherAsync();
    }

    private async Task ReloadFromWatcherAsync()
    {
        try
        {
            await ReloadNowAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the timer firing and the reload starting: nothing left to update.
        }
        catch (Exception ex)
        {
            LogReloadFailed(_logger, ex, _folder);
        }
    }

    private void RaiseChanged(CallCenterOptions options)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        // Each handler on its own, so that one failing component does not keep the others on the old snapshot.
        foreach (var handler in handlers.GetInvocationList().Cast<Action<CallCenterOptions>>())
        {
            try
            {
                handler(options);
            }
            catch (Exception ex)
            {
                LogHandlerFailed(_logger, ex, options.Generation, handler.Method.DeclaringType?.Name ?? handler.Method.Name);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Configuration generation {Generation} applied from {Folder}")]
    private static partial void LogApplied(ILogger logger, long generation, string folder);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning,
        Message = "Configuration change in {Folder} rejected; generation {Generation} keeps serving. {ErrorCount} error(s):\n{Errors}")]
    private static partial void LogRejected(ILogger logger, string folder, long generation, int errorCount, string errors);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "A handler of configuration generation {Generation} failed ({Handler})")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, long generation, string handler);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Watching {Folder} failed; reloading in case changes were missed")]
    private static partial void LogWatcherError(ILogger logger, Exception exception, string folder);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "Reloading the configuration from {Folder} failed unexpectedly; the current one stays")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, string folder);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Watching {Folder} for configuration changes (quiet period {DebounceMs} ms)")]
    private static partial void LogWatching(ILogger logger, string folder, double debounceMs);
}
