using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace CallCenter.Server.Service;

/// <summary>
/// Every call into the Service Control Manager (advapi32, winsvc.h), and nothing else: the Windows hosting
/// package is not served here, and keeping the whole native surface in one file keeps it reviewable.
/// Compiled on every platform; the attribute makes the analyzers insist callers check OperatingSystem.IsWindows().
/// Classic [DllImport] rather than [LibraryImport]: the generator needs unsafe code enabled for the project, and
/// nothing here is hot.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsServiceInterop
{
    public const uint ScManagerConnect = 0x0001;
    public const uint ScManagerCreateService = 0x0002;

    public const uint ServiceQueryConfig = 0x0001;
    public const uint ServiceChangeConfig = 0x0002;
    public const uint ServiceQueryStatus = 0x0004;
    public const uint ServiceStart = 0x0010;
    public const uint ServiceStop = 0x0020;
    public const uint Delete = 0x0001_0000;
    public const uint ServiceAllAccess = 0x000F_01FF;

    public const uint ServiceWin32OwnProcess = 0x0000_0010;
    public const uint ServiceAutoStart = 2;
    public const uint ServiceErrorNormal = 1;

    public const int ControlStop = 1;
    public const int ControlInterrogate = 4;
    public const int ControlShutdown = 5;
    public const int ControlPreshutdown = 0x0F;

    public const uint AcceptStop = 0x0001;
    public const uint AcceptShutdown = 0x0004;
    public const uint AcceptPreshutdown = 0x0100;

    public const uint ConfigDescription = 1;
    public const uint ConfigFailureActions = 2;
    public const uint ConfigDelayedAutoStart = 3;
    public const uint ConfigFailureActionsFlag = 4;
    public const uint ConfigPreshutdownInfo = 7;

    public const int ScActionRestart = 1;

    public const int NoError = 0;
    public const int ErrorAccessDenied = 5;
    public const int ErrorCallNotImplemented = 120;
    public const int ErrorServiceAlreadyRunning = 1056;
    public const int ErrorServiceDoesNotExist = 1060;
    public const int ErrorServiceNotActive = 1062;
    public const int ErrorFailedServiceControllerConnect = 1063;
    public const int ErrorServiceSpecificError = 1066;
    public const int ErrorServiceMarkedForDelete = 1072;
    public const int ErrorServiceExists = 1073;

    private const string Advapi32 = "advapi32.dll";

    /// <summary>LPSERVICE_MAIN_FUNCTIONW: runs on a thread the dispatcher creates.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Winapi)]
    public delegate void ServiceMainFunction(int argumentCount, IntPtr arguments);

    /// <summary>LPHANDLER_FUNCTION_EX: runs on the dispatcher's thread (the one in StartServiceCtrlDispatcher).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Winapi)]
    public delegate int HandlerFunctionEx(int control, int eventType, IntPtr eventData, IntPtr context);

    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceStatus
    {
        public uint ServiceType;
        public uint CurrentState;
        public uint ControlsAccepted;
        public uint Win32ExitCode;
        public uint ServiceSpecificExitCode;
        public uint CheckPoint;
        public uint WaitHint;
    }

    /// <summary>SERVICE_TABLE_ENTRYW with the name and function as raw pointers, so the table is blittable.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceTableEntry
    {
        public IntPtr ServiceName;
        public IntPtr ServiceProc;
    }

    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    public struct ServiceDescription
    {
        public string Description;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceFailureActions
    {
        public uint ResetPeriodSeconds;
        public IntPtr RebootMessage;
        public IntPtr Command;
        public uint ActionCount;
        public IntPtr Actions;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ScAction
    {
        public int Type;
        public uint DelayMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceFailureActionsFlag
    {
        public int FailureActionsOnNonCrashFailures;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ServiceDelayedAutoStartInfo
    {
        public int DelayedAutostart;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct ServicePreshutdownInfo
    {
        public uint PreshutdownTimeoutMilliseconds;
    }

    [DllImport(Advapi32, EntryPoint = "OpenSCManagerW", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    public static extern ServiceHandle OpenSCManager(string? machineName, string? databaseName, uint desiredAccess);

    [DllImport(Advapi32, EntryPoint = "CreateServiceW", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    public static extern ServiceHandle CreateService(
        ServiceHandle manager, string serviceName, string displayName, uint desiredAccess, uint serviceType,
        uint startType, uint errorControl, string binaryPathName, string? loadOrderGroup, IntPtr tagId,
        string? dependencies, string? serviceStartName, string? password);

    [DllImport(Advapi32, EntryPoint = "OpenServiceW", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    public static extern ServiceHandle OpenService(ServiceHandle manager, string serviceName, uint desiredAccess);

    [DllImport(Advapi32, EntryPoint = "ChangeServiceConfigW", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ChangeServiceConfig(
        ServiceHandle service, uint serviceType, uint startType, uint errorControl, string? binaryPathName,
        string? loadOrderGroup, IntPtr tagId, string? dependencies, string? serviceStartName, string? password,
        string? displayName);

    [DllImport(Advapi32, EntryPoint = "ChangeServiceConfig2W", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ChangeServiceConfig2(ServiceHandle service, uint infoLevel, ref ServiceDescription info);

    [DllImport(Advapi32, EntryPoint = "ChangeServiceConfig2W", SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ChangeServiceConfig2(ServiceHandle service, uint infoLevel, ref ServiceFailureActions info);

    [DllImport(Advapi32, EntryPoint = "ChangeServiceConfig2W", SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ChangeServiceConfig2(ServiceHandle service, uint infoLevel, ref ServiceFailureActionsFlag info);

    [DllImport(Advapi32, EntryPoint = "ChangeServiceConfig2W", SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ChangeServiceConfig2(ServiceHandle service, uint infoLevel, ref ServiceDelayedAutoStartInfo info);

    [DllImport(Advapi32, EntryPoint = "ChangeServiceConfig2W", SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ChangeServiceConfig2(ServiceHandle service, uint infoLevel, ref ServicePreshutdownInfo info);

    [DllImport(Advapi32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool DeleteService(ServiceHandle service);

    [DllImport(Advapi32, EntryPoint = "StartServiceW", SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool StartService(ServiceHandle service, int argumentCount, IntPtr arguments);

    [DllImport(Advapi32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool ControlService(ServiceHandle service, int control, out ServiceStatus status);

    [DllImport(Advapi32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool QueryServiceStatus(ServiceHandle service, out ServiceStatus status);

    [DllImport(Advapi32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool CloseServiceHandle(IntPtr handle);

    /// <summary>Blocks until every service of the process reports SERVICE_STOPPED; call it on a dedicated thread.</summary>
    [DllImport(Advapi32, EntryPoint = "StartServiceCtrlDispatcherW", SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool StartServiceCtrlDispatcher([In] ServiceTableEntry[] serviceTable);

    /// <summary>The returned SERVICE_STATUS_HANDLE is not closed: it lives as long as the service.</summary>
    [DllImport(Advapi32, EntryPoint = "RegisterServiceCtrlHandlerExW", CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    public static extern IntPtr RegisterServiceCtrlHandlerEx(string serviceName, HandlerFunctionEx handler, IntPtr context);

    [DllImport(Advapi32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool SetServiceStatus(IntPtr statusHandle, ref ServiceStatus status);

    /// <summary>An SC_HANDLE from OpenSCManager, OpenService or CreateService.</summary>
    public sealed class ServiceHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public ServiceHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle() => CloseServiceHandle(handle);
    }
}
