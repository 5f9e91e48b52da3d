namespace CallCenter.Server.Service;

/// <summary>SERVICE_STATUS.dwCurrentState values (winsvc.h), platform-neutral so their mapping is testable anywhere.</summary>
public enum WindowsServiceState
{
    Stopped = 1,
    StartPending = 2,
    StopPending = 3,
    Running = 4,
    ContinuePending = 5,
    PausePending = 6,
    Paused = 7,
}

public static class WindowsServiceStates
{
    public static string Describe(WindowsServiceState state) => state switch
    {
        WindowsServiceState.Stopped => "stopped",
        WindowsServiceState.StartPending => "starting",
        WindowsServiceState.StopPending => "stopping",
        WindowsServiceState.Running => "running",
        WindowsServiceState.ContinuePending => "resuming",
        WindowsServiceState.PausePending => "pausing",
        WindowsServiceState.Paused => "paused",
        _ => $"in unknown state {(int)state}",
    };

    /// <summary>The status verb's exit code: only a running service is "up", as with systemctl status.</summary>
    public static int StatusExitCode(WindowsServiceState state) =>
        state == WindowsServiceState.Running ? ServiceExitCode.Success : ServiceExitCode.NotRunning;
}
