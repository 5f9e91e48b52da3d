using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CallCenter.Server.Service;

/// <summary>
/// Tells systemd how the host is doing: READY=1 once every hosted service has started (so Type=notify units
/// ordered after ours start against a PBX that answers), STOPPING=1 when a stop begins (so systemd shows
/// "deactivating" during the call drain instead of thinking we hang), and WATCHDOG=1 pings while running.
/// Register it before the other hosted services: hosts stop services in reverse order, so it then keeps the
/// watchdog fed until everything else, the drain included, has stopped.
/// Harmless outside systemd: the notifier is a no-op and no timer is started.
/// </summary>
public sealed class SystemdNotifyService : IHostedService, IDisposable
{
    private readonly SystemdNotifier _notifier;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _watchdogInterval;
    private readonly Func<bool>? _isHealthy;
    private readonly ILogger<SystemdNotifyService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<CancellationTokenRegistration> _registrations = [];
    private Task _watchdogLoop = Task.CompletedTask;

    /// <param name="watchdogInterval">From <see cref="SystemdWatchdog.PingIntervalFromEnvironment"/>; null when off.</param>
    /// <param name="isHealthy">
    /// Optional liveness check of the real work (the SIP loop, say). A ping only proves the timer runs; when this
    /// says false the ping is withheld, and systemd restarts a server that stays wedged past WatchdogSec.
    /// </param>
    public SystemdNotifyService(
        SystemdNotifier notifier,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        TimeSpan? watchdogInterval,
        ILogger<SystemdNotifyService> logger,
        Func<bool>? isHealthy = null)
    {
        _notifier = notifier;
        _lifetime = lifetime;
        _time = time;
        _watchdogInterval = watchdogInterval;
        _logger = logger;
        _isHealthy = isHealthy;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_notifier.IsEnabled)
        {
            return Task.CompletedTask;
        }

        // The lifetime callbacks run on whichever thread signals the host; the notifier is thread-safe.
        _registrations.Add(_lifetime.ApplicationStarted.Register(OnStarted));
        _registrations.Add(_lifetime.ApplicationStopping.Register(OnStopping));
        if (_watchdogInterval is { } interval && interval > TimeSpan.Zero)
        {
            ServiceLog.WatchdogEnabled(_logger, interval);
            _watchdogLoop = PingWatchdogAsync(interval, _stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watchdogLoop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stopping.Dispose();
    }

    private void OnStarted()
    {
        _notifier.Ready();
        _notifier.Status("Running");
    }

    private void OnStopping()
    {
        _notifier.Stopping();
        _notifier.Status("Stopping: draining calls");
    }

    private async Task PingWatchdogAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        // One PeriodicTimer on the injected clock: ticks missed while a ping was late coalesce into one, which
        // is what a watchdog wants (no burst of catch-up pings).
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_isHealthy is null || _isHealthy())
                {
                    _notifier.Watchdog();
                }
                else
                {
                    ServiceLog.WatchdogWithheld(_logger);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by StopAsync.
        }
    }
}
