using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static CallCenter.Server.Service.WindowsServiceInterop;

namespace CallCenter.Server.Service;

/// <summary>
/// Runs the host as a Windows service: connects to the Service Control Manager, reports start, running,
/// stop-pending and stopped, and turns the SCM's stop, shutdown and pre-shutdown requests into
/// <see cref="IHostApplicationLifetime.StopApplication"/>, so a service stop drains calls exactly like SIGTERM.
/// Threads: StartServiceCtrlDispatcher blocks a dedicated thread for the life of the service and calls
/// <see cref="OnControl"/> on it; ServiceMain runs on a thread the dispatcher creates; the lifetime callbacks run
/// on whatever thread signals the host. Every status report goes through <see cref="Report"/> under one lock.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsServiceLifetime : IHostLifetime, IDisposable
{
    private static readonly TimeSpan StartWaitHint = TimeSpan.FromSeconds(30);

    private readonly string _serviceName;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<WindowsServiceLifetime> _logger;
    private readonly TimeSpan _stopWaitHint;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private readonly List<CancellationTokenRegistration> _registrations = [];

    // The native side holds pointers to these; fields keep the delegates alive and the name allocated.
    private readonly ServiceMainFunction _serviceMain;
    private readonly HandlerFunctionEx _handler;
    private IntPtr _nativeName;
    private IntPtr _statusHandle;
    private ServiceStatus _status;

    /// <param name="stopWaitHint">How long a stop may take before the SCM gives up on us: drain time plus margin.</param>
    public WindowsServiceLifetime(
        string serviceName, TimeSpan stopWaitHint, IHostApplicationLifetime lifetime, ILogger<WindowsServiceLifetime> logger)
    {
        _serviceName = serviceName;
        _stopWaitHint = stopWaitHint;
        _lifetime = lifetime;
        _logger = logger;
        _serviceMain = ServiceMain;
        _handler = OnControl;
        _status = new ServiceStatus { ServiceType = ServiceWin32OwnProcess };
    }

    /// <summary>
    /// True when this process was most likely started by the SCM: services run in a non-interactive window
    /// station. A scheduled task without a logged-on user is non-interactive too; for it the dispatcher
    /// connection fails and <see cref="WaitForStartAsync"/> says so instead of hanging.
    /// </summary>
    public static bool IsLikelyWindowsService() => OperatingSystem.IsWindows() && !Environment.UserInteractive;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(_lifetime.ApplicationStarted.Register(() => Report(WindowsServiceState.Running, TimeSpan.Zero)));
        _registrations.Add(_lifetime.ApplicationStopping.Register(() => Report(WindowsServiceState.StopPending, _stopWaitHint)));
        var dispatcher = new Thread(RunDispatcher) { IsBackground = true, Name = "Windows service dispatcher" };
        dispatcher.Start();

        // The host builds its services only once the SCM has us: a failed connection aborts start-up.
        return _connected.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The host calls this once everything has stopped: the last report, after which the SCM lets us go.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Report(WindowsServiceState.Stopped, TimeSpan.Zero);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        // The dispatcher thread may still be returning from StartServiceCtrlDispatcher; the name is only read
        // while ServiceMain registers, long before, so freeing it now is safe.
        lock (_gate)
        {
            if (_nativeName != IntPtr.Zero)
            {
                Marshal.FreeHGlobal(_nativeName);
                _nativeName = IntPtr.Zero;
            }
        }
    }

    private void RunDispatcher()
    {
        lock (_gate)
        {
            _nativeName = Marshal.StringToHGlobalUni(_serviceName);
        }

        ServiceTableEntry[] table =
        [
            new ServiceTableEntry { ServiceName = _nativeName, ServiceProc = Marshal.GetFunctionPointerForDelegate(_serviceMain) },
            default,
        ];
        if (!StartServiceCtrlDispatcher(table))
        {
            var code = Marshal.GetLastPInvokeError();
            _connected.TrySetException(new InvalidOperationException(code == ErrorFailedServiceControllerConnect
                ? $"This process was not started by the Service Control Manager, so it cannot run as service '{_serviceName}'; run it from a console instead."
                : $"StartServiceCtrlDispatcher failed with Win32 error {code}."));
        }
    }

    private void ServiceMain(int argumentCount, IntPtr arguments)
    {
        var handle = RegisterServiceCtrlHandlerEx(_serviceName, _handler, IntPtr.Zero);
        if (handle == IntPtr.Zero)
        {
            _connected.TrySetException(new InvalidOperationException(
                $"RegisterServiceCtrlHandlerEx for '{_serviceName}' failed with Win32 error {Marshal.GetLastPInvokeError()}."));
            return;
        }

        lock (_gate)
        {
            _statusHandle = handle;
        }

        Report(WindowsServiceState.StartPending, StartWaitHint);
        ServiceLog.WindowsServiceStarted(_logger, _serviceName);
        _connected.TrySetResult();

        // ServiceMain may return now: the service lives on until it reports SERVICE_STOPPED.
    }

    private int OnControl(int control, int eventType, IntPtr eventData, IntPtr context)
    {
        switch (control)
        {
            case ControlStop or ControlShutdown or ControlPreshutdown:
                ServiceLog.WindowsStopRequested(_logger, _serviceName, control switch
                {
                    ControlStop => "stop",
                    ControlShutdown => "shutdown",
                    _ => "pre-shutdown",
                });
                Report(WindowsServiceState.StopPending, _stopWaitHint);

                // Off the dispatcher thread: the stopping callbacks are user code, and the SCM expects this
                // handler back within seconds.
                ThreadPool.QueueUserWorkItem(static lifetime => lifetime.StopApplication(), _lifetime, preferLocal: false);
                return NoError;
            case ControlInterrogate:
                lock (_gate)
                {
                    SendStatus();
                }

                return NoError;
            default:
                return ErrorCallNotImplemented;
        }
    }

    private void Report(WindowsServiceState state, TimeSpan waitHint)
    {
        lock (_gate)
        {
            if (_statusHandle == IntPtr.Zero || _status.CurrentState == (uint)WindowsServiceState.Stopped)
            {
                return;
            }

            // Pending states count checkpoints so the SCM sees progress; settled states reset them.
            var pending = state is WindowsServiceState.StartPending or WindowsServiceState.StopPending;
            _status.CheckPoint = pending && _status.CurrentState == (uint)state ? _status.CheckPoint + 1 : 0;
            _status.CurrentState = (uint)state;
            _status.WaitHint = pending ? (uint)Math.Min(waitHint.TotalMilliseconds, uint.MaxValue) : 0;
            _status.ControlsAccepted = state == WindowsServiceState.Running
                ? AcceptStop | AcceptShutdown | AcceptPreshutdown
                : 0;
            if (state == WindowsServiceState.Stopped && Environment.ExitCode != 0)
            {
                // A non-zero exit is a failure to the SCM only through this pair; with the failure-actions flag
                // set at install it then restarts us.
                _status.Win32ExitCode = ErrorServiceSpecificError;
                _status.ServiceSpecificExitCode = (uint)Environment.ExitCode;
            }

            SendStatus();
        }
    }

    private void SendStatus()
    {
        if (_statusHandle == IntPtr.Zero)
        {
            return;
        }

        if (!SetServiceStatus(_statusHandle, ref _status))
        {
            ServiceLog.WindowsStatusFailed(_logger, _serviceName, ((WindowsServiceState)_status.CurrentState).ToString(), Marshal.GetLastPInvokeError());
        }
    }
}
