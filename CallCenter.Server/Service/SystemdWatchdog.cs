using System.Globalization;

namespace CallCenter.Server.Service;

/// <summary>
/// Reads the watchdog contract systemd passes to a service with WatchdogSec= (sd_watchdog_enabled(3)):
/// WATCHDOG_USEC is the timeout in microseconds, and WATCHDOG_PID, when set, names the one process it is meant
/// for (so a child that inherited the environment does not ping on its parent's behalf).
/// </summary>
public static class SystemdWatchdog
{
    public const string TimeoutVariable = "WATCHDOG_USEC";
    public const string ProcessVariable = "WATCHDOG_PID";

    /// <summary>
    /// How often to ping, or null when the watchdog is off for this process. Half the timeout, as sd_watchdog_enabled(3)
    /// recommends, so one late ping (a GC pause, a busy host) does not get the service killed.
    /// </summary>
    public static TimeSpan? PingInterval(Func<string, string?> getVariable, int processId)
    {
        var timeout = getVariable(TimeoutVariable);
        if (!ulong.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds) || microseconds == 0)
        {
            return null;
        }

        var pid = getVariable(ProcessVariable);
        if (!string.IsNullOrEmpty(pid) &&
            (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var target) || target != processId))
        {
            return null;
        }

        // TimeSpan ticks are 100 ns; clamp absurd values instead of overflowing.
        var ticks = Math.Min(microseconds, (ulong)(TimeSpan.MaxValue.Ticks / 10)) * 10;
        return TimeSpan.FromTicks((long)(ticks / 2));
    }

    public static TimeSpan? PingIntervalFromEnvironment() =>
        PingInterval(Environment.GetEnvironmentVariable, Environment.ProcessId);
}
