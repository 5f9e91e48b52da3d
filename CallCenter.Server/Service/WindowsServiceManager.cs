using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static CallCenter.Server.Service.WindowsServiceInterop;

namespace CallCenter.Server.Service;

/// <summary>
/// Installs CallCenter with the Service Control Manager: automatic (delayed) start, the per-service virtual
/// account, restart on failure, and a pre-shutdown timeout long enough for the call drain. Folder ACLs and
/// firewall rules are install.ps1's job (PowerShell does them in one line each).
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class WindowsServiceManager(TimeProvider time) : IServiceManager
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(60);

    public WindowsServiceManager()
        : this(TimeProvider.System)
    {
    }

    public int Install(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        var problems = WindowsServiceRegistration.Validate(settings);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine(problem);
            }

            error.WriteLine("Nothing was changed.");
            return ServiceExitCode.Failed;
        }

        if (!RequireAdministrator("install", error))
        {
            return ServiceExitCode.NotPermitted;
        }

        var name = settings.ServiceName;
        var binaryPath = WindowsServiceRegistration.BinaryPath(settings);
        var account = WindowsServiceRegistration.Account(settings);
        using var manager = OpenManager(ScManagerConnect | ScManagerCreateService, error);
        if (manager is null)
        {
            return ServiceExitCode.Failed;
        }

        var service = CreateService(
            manager, name, settings.DisplayName, ServiceAllAccess, ServiceWin32OwnProcess, ServiceAutoStart,
            ServiceErrorNormal, binaryPath, null, IntPtr.Zero, null, account, null);
        var created = !service.IsInvalid;
        if (!created)
        {
            var code = Marshal.GetLastPInvokeError();
            service.Dispose();
            if (code == ErrorServiceMarkedForDelete)
            {
                error.WriteLine($"Service '{name}' is marked for deletion; close the Services console (and anything else holding it) and run install again.");
                return ServiceExitCode.Failed;
            }

            if (code != ErrorServiceExists)
            {
                error.WriteLine($"CreateService '{name}' failed: {Describe(code)}");
                return ServiceExitCode.Failed;
            }

            // Installing over an existing registration is how upgrades and moves are done: point it at this build.
            service = OpenService(manager, name, ServiceAllAccess);
            if (service.IsInvalid ||
                !ChangeServiceConfig(service, ServiceWin32OwnProcess, ServiceAutoStart, ServiceErrorNormal, binaryPath,
                    null, IntPtr.Zero, null, account, null, settings.DisplayName))
            {
                error.WriteLine($"Service '{name}' exists but could not be updated: {Describe(Marshal.GetLastPInvokeError())}");
                service.Dispose();
                return ServiceExitCode.Failed;
            }
        }

        using (service)
        {
            if (!Configure(service, settings, error))
            {
                return ServiceExitCode.Failed;
            }
        }

        foreach (var folder in settings.WritableFolders)
        {
            Directory.CreateDirectory(folder);
        }

        output.WriteLine($"{(created ? "Installed" : "Updated")} service '{name}' ({settings.DisplayName}).");
        output.WriteLine($"  command:  {binaryPath}");
        output.WriteLine($"  account:  {account}");
        output.WriteLine("  start:    automatic (delayed); on failure restart after 5 s, 5 s, then every 30 s");
        output.WriteLine($"  shutdown: up to {settings.StopTimeout.TotalSeconds:0} s to drain calls");
        output.WriteLine($"  folders:  {string.Join(", ", settings.WritableFolders)} (created if missing; install.ps1 grants {account} modify rights on them)");
        output.WriteLine($"Start it with: sc.exe start {name}   (or the 'start' verb)");
        return ServiceExitCode.Success;
    }

    public int Uninstall(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!RequireAdministrator("uninstall", error))
        {
            return ServiceExitCode.NotPermitted;
        }

        using var manager = OpenManager(ScManagerConnect, error);
        if (manager is null)
        {
            return ServiceExitCode.Failed;
        }

        using var service = OpenService(manager, settings.ServiceName, ServiceStop | ServiceQueryStatus | Delete);
        if (service.IsInvalid)
        {
            var code = Marshal.GetLastPInvokeError();
            if (code == ErrorServiceDoesNotExist)
            {
                output.WriteLine($"Service '{settings.ServiceName}' is not installed; nothing to uninstall.");
                return ServiceExitCode.Success;
            }

            error.WriteLine($"OpenService '{settings.ServiceName}' failed: {Describe(code)}");
            return ServiceExitCode.Failed;
        }

        if (StopAndWait(service, settings, output, error) != ServiceExitCode.Success)
        {
            return ServiceExitCode.Failed;
        }

        if (!DeleteService(service))
        {
            error.WriteLine($"DeleteService '{settings.ServiceName}' failed: {Describe(Marshal.GetLastPInvokeError())}");
            return ServiceExitCode.Failed;
        }

        output.WriteLine($"Removed service '{settings.ServiceName}'.");
        output.WriteLine(
            $"Kept: data in {settings.DataFolder}, logs in {settings.LogFolder} and configuration in {settings.ConfigFolder}. " +
            "Delete them by hand if they are no longer needed.");
        return ServiceExitCode.Success;
    }

    public int Start(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!RequireAdministrator("start", error))
        {
            return ServiceExitCode.NotPermitted;
        }

        using var manager = OpenManager(ScManagerConnect, error);
        if (manager is null)
        {
            return ServiceExitCode.Failed;
        }

        using var service = OpenExisting(manager, settings, ServiceStart | ServiceQueryStatus, error, out var missing);
        if (service is null)
        {
            return missing ? ServiceExitCode.NotInstalled : ServiceExitCode.Failed;
        }

        if (!StartService(service, 0, IntPtr.Zero))
        {
            var code = Marshal.GetLastPInvokeError();
            if (code == ErrorServiceAlreadyRunning)
            {
                output.WriteLine($"Service '{settings.ServiceName}' is already running.");
                return ServiceExitCode.Success;
            }

            error.WriteLine($"StartService '{settings.ServiceName}' failed: {Describe(code)}");
            return ServiceExitCode.Failed;
        }

        var state = WaitWhile(service, WindowsServiceState.StartPending, StartWait);
        if (state == WindowsServiceState.Running)
        {
            output.WriteLine($"Started service '{settings.ServiceName}'.");
            return ServiceExitCode.Success;
        }

        error.WriteLine(
            $"Service '{settings.ServiceName}' is {WindowsServiceStates.Describe(state)} after start; " +
            $"see the log folder {settings.LogFolder} and the Windows Application event log.");
        return ServiceExitCode.Failed;
    }

    public int Stop(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!RequireAdministrator("stop", error))
        {
            return ServiceExitCode.NotPermitted;
        }

        using var manager = OpenManager(ScManagerConnect, error);
        if (manager is null)
        {
            return ServiceExitCode.Failed;
        }

        using var service = OpenExisting(manager, settings, ServiceStop | ServiceQueryStatus, error, out var missing);
        if (service is null)
        {
            return missing ? ServiceExitCode.NotInstalled : ServiceExitCode.Failed;
        }

        return StopAndWait(service, settings, output, error);
    }

    public int Status(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        using var manager = OpenManager(ScManagerConnect, error);
        if (manager is null)
        {
            return ServiceExitCode.Failed;
        }

        using var service = OpenExisting(manager, settings, ServiceQueryStatus, error, out var missing);
        if (service is null)
        {
            return missing ? ServiceExitCode.NotInstalled : ServiceExitCode.Failed;
        }

        if (!QueryServiceStatus(service, out var status))
        {
            error.WriteLine($"QueryServiceStatus '{settings.ServiceName}' failed: {Describe(Marshal.GetLastPInvokeError())}");
            return ServiceExitCode.Failed;
        }

        var state = (WindowsServiceState)status.CurrentState;
        output.WriteLine($"Service '{settings.ServiceName}' is {WindowsServiceStates.Describe(state)}.");
        if (state == WindowsServiceState.Stopped && status.Win32ExitCode != NoError)
        {
            var exit = status.Win32ExitCode == ErrorServiceSpecificError
                ? $"the server exited with code {status.ServiceSpecificExitCode}"
                : Describe((int)status.Win32ExitCode);
            output.WriteLine($"It last stopped with an error: {exit}.");
        }

        return WindowsServiceStates.StatusExitCode(state);
    }

    private int StopAndWait(ServiceHandle service, ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!ControlService(service, ControlStop, out _))
        {
            var code = Marshal.GetLastPInvokeError();
            if (code == ErrorServiceNotActive)
            {
                output.WriteLine($"Service '{settings.ServiceName}' is not running.");
                return ServiceExitCode.Success;
            }

            error.WriteLine($"Stopping '{settings.ServiceName}' failed: {Describe(code)}");
            return ServiceExitCode.Failed;
        }

        output.WriteLine($"Stopping service '{settings.ServiceName}' (calls in progress get up to {settings.DrainTimeout.TotalSeconds:0} s)...");
        var state = WaitWhile(service, WindowsServiceState.StopPending, settings.StopTimeout + TimeSpan.FromSeconds(10));
        if (state == WindowsServiceState.Stopped)
        {
            output.WriteLine($"Stopped service '{settings.ServiceName}'.");
            return ServiceExitCode.Success;
        }

        error.WriteLine($"Service '{settings.ServiceName}' is still {WindowsServiceStates.Describe(state)}.");
        return ServiceExitCode.Failed;
    }

    /// <summary>
    /// Polls, because the alternative (NotifyServiceStatusChange with an alertable wait) is far more interop for
    /// a command-line verb that waits a few seconds once.
    /// </summary>
    private WindowsServiceState WaitWhile(ServiceHandle service, WindowsServiceState pending, TimeSpan limit)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            if (!QueryServiceStatus(service, out var status))
            {
                return 0;
            }

            var state = (WindowsServiceState)status.CurrentState;
            if (state != pending || time.GetElapsedTime(started) >= limit)
            {
                return state;
            }

            Thread.Sleep(PollInterval);
        }
    }

    private static bool Configure(ServiceHandle service, ServiceInstallSettings settings, TextWriter error)
    {
        var description = new ServiceDescription { Description = settings.Description };
        var delayed = new ServiceDelayedAutoStartInfo { DelayedAutostart = 1 };

        // Without this flag failure actions only follow a crash; a non-zero exit code (a bad configuration
        // after an edit, say) would leave the PBX down.
        var flag = new ServiceFailureActionsFlag { FailureActionsOnNonCrashFailures = 1 };

        // Windows gives services a few seconds at system shutdown; pre-shutdown notification buys the drain time.
        var preshutdown = new ServicePreshutdownInfo { PreshutdownTimeoutMilliseconds = (uint)settings.StopTimeout.TotalMilliseconds };
        var actions = WindowsServiceRegistration.RestartDelays
            .Select(d => new ScAction { Type = ScActionRestart, DelayMilliseconds = (uint)d.TotalMilliseconds })
            .ToArray();
        var pinned = GCHandle.Alloc(actions, GCHandleType.Pinned);
        try
        {
            var failure = new ServiceFailureActions
            {
                ResetPeriodSeconds = (uint)WindowsServiceRegistration.FailureResetPeriod.TotalSeconds,
                ActionCount = (uint)actions.Length,
                Actions = pinned.AddrOfPinnedObject(),
            };
            return Check(ChangeServiceConfig2(service, ConfigDescription, ref description), "description", error)
                && Check(ChangeServiceConfig2(service, ConfigFailureActions, ref failure), "failure actions", error)
                && Check(ChangeServiceConfig2(service, ConfigFailureActionsFlag, ref flag), "failure actions flag", error)
                && Check(ChangeServiceConfig2(service, ConfigDelayedAutoStart, ref delayed), "delayed start", error)
                && Check(ChangeServiceConfig2(service, ConfigPreshutdownInfo, ref preshutdown), "pre-shutdown timeout", error);
        }
        finally
        {
            pinned.Free();
        }
    }

    private static bool Check(bool succeeded, string what, TextWriter error)
    {
        if (!succeeded)
        {
            error.WriteLine($"Setting the service's {what} failed: {Describe(Marshal.GetLastPInvokeError())}");
        }

        return succeeded;
    }

    private static ServiceHandle? OpenManager(uint access, TextWriter error)
    {
        var manager = OpenSCManager(null, null, access);
        if (!manager.IsInvalid)
        {
            return manager;
        }

        error.WriteLine($"Cannot open the Service Control Manager: {Describe(Marshal.GetLastPInvokeError())}");
        manager.Dispose();
        return null;
    }

    private static ServiceHandle? OpenExisting(ServiceHandle manager, ServiceInstallSettings settings, uint access, TextWriter error, out bool missing)
    {
        var service = OpenService(manager, settings.ServiceName, access);
        missing = false;
        if (!service.IsInvalid)
        {
            return service;
        }

        var code = Marshal.GetLastPInvokeError();
        service.Dispose();
        missing = code == ErrorServiceDoesNotExist;
        error.WriteLine(missing
            ? $"Service '{settings.ServiceName}' is not installed; install it first with the 'install' verb (or install.ps1)."
            : $"OpenService '{settings.ServiceName}' failed: {Describe(code)}");
        return null;
    }

    private static bool RequireAdministrator(string verb, TextWriter error)
    {
        if (Environment.IsPrivilegedProcess)
        {
            return true;
        }

        error.WriteLine($"'{verb}' needs an elevated (Run as administrator) prompt: it changes the Service Control Manager. Nothing was changed.");
        return false;
    }

    private static string Describe(int win32Error) => $"{new Win32Exception(win32Error).Message} (error {win32Error})";
}
