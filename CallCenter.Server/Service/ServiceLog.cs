using Microsoft.Extensions.Logging;

namespace CallCenter.Server.Service;

/// <summary>Log messages of the service layer; event ids 9000-9099 are reserved for it.</summary>
internal static partial class ServiceLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
        Message = "Cannot notify systemd through {Socket}; further notifications are dropped silently")]
    public static partial void NotifyFailed(ILogger logger, string socket, Exception exception);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning,
        Message = "NOTIFY_SOCKET {Socket} is neither a path nor an abstract socket name; systemd notifications are off")]
    public static partial void NotifySocketUnsupported(ILogger logger, string socket);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information,
        Message = "systemd watchdog on: pinging every {Interval}")]
    public static partial void WatchdogEnabled(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning,
        Message = "Watchdog ping withheld: the server reports itself unhealthy; systemd restarts it if this persists")]
    public static partial void WatchdogWithheld(ILogger logger);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information,
        Message = "Windows service {ServiceName}: the Service Control Manager asked to stop ({Control})")]
    public static partial void WindowsStopRequested(ILogger logger, string serviceName, string control);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Warning,
        Message = "Windows service {ServiceName}: SetServiceStatus({State}) failed with Win32 error {Error}")]
    public static partial void WindowsStatusFailed(ILogger logger, string serviceName, string state, int error);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Information,
        Message = "Windows service {ServiceName}: connected to the Service Control Manager")]
    public static partial void WindowsServiceStarted(ILogger logger, string serviceName);
}
