using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CallCenter.Server.Service;

/// <summary>Wires the run path into whatever service manager started the process.</summary>
public static class ServiceHostingExtensions
{
    /// <summary>
    /// Call before registering any other hosted service, so the systemd notifier starts first and stops last.
    /// On Linux it adds <see cref="SystemdNotifyService"/> (a no-op unless systemd set NOTIFY_SOCKET); on
    /// Windows, when the SCM started the process, it replaces the console lifetime with
    /// <see cref="WindowsServiceLifetime"/>. Elsewhere, and from a console, it changes nothing.
    /// </summary>
    /// <param name="stopTimeout">Drain time plus margin: the stop wait hint reported to Windows.</param>
    /// <param name="isHealthy">Optional liveness check; a false result withholds the systemd watchdog ping.</param>
    public static IServiceCollection AddServiceManagerIntegration(
        this IServiceCollection services,
        string serviceName,
        TimeSpan stopTimeout,
        Func<IServiceProvider, Func<bool>>? isHealthy = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        if (OperatingSystem.IsLinux())
        {
            services.AddSingleton(sp => SystemdNotifier.FromEnvironment(sp.GetRequiredService<ILogger<SystemdNotifier>>()));
            services.AddHostedService(sp => new SystemdNotifyService(
                sp.GetRequiredService<SystemdNotifier>(),
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<TimeProvider>(),
                SystemdWatchdog.PingIntervalFromEnvironment(),
                sp.GetRequiredService<ILogger<SystemdNotifyService>>(),
                isHealthy?.Invoke(sp)));
        }
        else if (OperatingSystem.IsWindows() && WindowsServiceLifetime.IsLikelyWindowsService())
        {
            AddWindowsServiceLifetime(services, serviceName, stopTimeout);
        }

        return services;
    }

    // A method of its own: the platform guard above does not reach into a lambda, the attribute does.
    [SupportedOSPlatform("windows")]
    private static void AddWindowsServiceLifetime(IServiceCollection services, string serviceName, TimeSpan stopTimeout) =>
        services.AddSingleton<IHostLifetime>(sp => new WindowsServiceLifetime(
            serviceName,
            stopTimeout,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<WindowsServiceLifetime>>()));
}
