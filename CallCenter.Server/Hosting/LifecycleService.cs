using CallCenter.Core.Configuration;
using CallCenter.Core.Hosting;
using CallCenter.Core.Storage;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Server.Logging;

namespace CallCenter.Server.Hosting;

/// <summary>
/// Start and stop of the appliance as a whole: records both in the audit trail, applies configuration
/// generations that do not need a restart (log levels, SIP trace), and on stop drains calls up to the
/// configured limit, writes the records of the calls that ended in the drain, and then flushes the store.
/// Runs on the host's start/stop thread; the config handler runs on the watcher's thread and only swaps
/// immutable references.
/// </summary>
public sealed partial class LifecycleService(
    ILiveConfiguration configuration,
    CallDrain drain,
    Database database,
    ServiceEventLog events,
    CdrWriter callRecords,
    LogLevelController levels,
    TimeProvider time,
    ILogger<LifecycleService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var options = configuration.Current;
        configuration.Changed += OnConfigurationChanged;
        LogStarted(logger, ServerInfo.Version, options.Node.Name, options.Generation, database.Path, database.SchemaVersion);
        LogWeb(logger, $"http://{FormatHost(options.Web.Address)}:{options.Web.Port}");
        await events.AppendAsync(options.Node.Name, "started", $"version {ServerInfo.Version}, generation {options.Generation}", cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        configuration.Changed -= OnConfigurationChanged;
        var options = configuration.Current;
        LogDraining(logger, drain.ActiveCount, options.Shutdown.DrainTimeout.TotalSeconds);
        var drained = await drain.DrainAsync(options.Shutdown.DrainTimeout, time, cancellationToken);
        if (!drained)
        {
            LogDrainTimedOut(logger, drain.ActiveCount);
        }

        // Before the checkpoint, so that the drained calls' records are in the main file with everything else.
        await callRecords.FlushAsync();
        await events.AppendAsync(options.Node.Name, "stopped", drained ? "drained" : $"drain timed out with {drain.ActiveCount} calls", CancellationToken.None);
        await database.CheckpointAsync(CancellationToken.None);
        LogStopped(logger);
    }

    private void OnConfigurationChanged(CallCenterOptions options)
    {
        levels.Apply(options.Logging);
        LogGenerationApplied(logger, options.Generation, options.Logging.SipTrace);
        _ = RecordAsync(options);
    }

    private async Task RecordAsync(CallCenterOptions options)
    {
        try
        {
            await events.AppendAsync(options.Node.Name, "config-applied", $"generation {options.Generation}", CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or ObjectDisposedException)
        {
            LogAuditWriteFailed(logger, ex);
        }
    }

    private static string FormatHost(System.Net.IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "CallCenter {Version} starting as node {Node} on configuration generation {Generation}; database {DatabasePath} at schema {SchemaVersion}")]
    private static partial void LogStarted(ILogger logger, string version, string node, long generation, string databasePath, int schemaVersion);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Web console and /healthz listening on {Url}")]
    private static partial void LogWeb(ILogger logger, string url);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Stopping: no new calls; waiting for {ActiveCalls} calls in progress for up to {DrainSeconds} s")]
    private static partial void LogDraining(ILogger logger, int activeCalls, double drainSeconds);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Drain limit reached with {ActiveCalls} calls still up; they end with the process")]
    private static partial void LogDrainTimedOut(ILogger logger, int activeCalls);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Stopped; the store is flushed")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Configuration generation {Generation} applied (SIP trace {SipTrace})")]
    private static partial void LogGenerationApplied(ILogger logger, long generation, bool sipTrace);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Could not record a configuration change in the audit trail")]
    private static partial void LogAuditWriteFailed(ILogger logger, Exception exception);
}
