using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace CallCenter.Server.Service;

/// <summary>
/// The service verbs of the executable (install, uninstall, start, stop, status), dispatched to the service
/// manager of the operating system it runs on. Program.cs handles run, check-config and version itself.
/// </summary>
public static class ServiceVerbs
{
    public static readonly ImmutableArray<string> Names = ["install", "uninstall", "start", "stop", "status"];

    public static bool IsServiceVerb(string verb) => Names.Contains(verb, StringComparer.OrdinalIgnoreCase);

    public static int Run(string verb, ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        IServiceManager manager;
        if (OperatingSystem.IsLinux())
        {
            manager = new LinuxServiceManager();
        }
        else if (OperatingSystem.IsWindows())
        {
            manager = new WindowsServiceManager();
        }
        else
        {
            error.WriteLine(
                $"'{verb}' is supported on Linux (systemd) and Windows only; this is {RuntimeInformation.OSDescription}. " +
                "Run the server in the foreground with the 'run' verb, under the platform's own supervisor.");
            return ServiceExitCode.Unsupported;
        }

        return Run(verb, settings, manager, output, error);
    }

    public static int Run(string verb, ServiceInstallSettings settings, IServiceManager manager, TextWriter output, TextWriter error)
    {
        try
        {
            return verb.ToLowerInvariant() switch
            {
                "install" => manager.Install(settings, output, error),
                "uninstall" => manager.Uninstall(settings, output, error),
                "start" => manager.Start(settings, output, error),
                "stop" => manager.Stop(settings, output, error),
                "status" => manager.Status(settings, output, error),
                _ => Unknown(verb, error),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Writing the unit file or a folder: say which and why, not a stack trace.
            error.WriteLine($"'{verb}' failed: {ex.Message}");
            return ServiceExitCode.Failed;
        }
    }

    private static int Unknown(string verb, TextWriter error)
    {
        error.WriteLine($"Unknown service verb '{verb}'; expected one of: {string.Join(", ", Names)}.");
        return ServiceExitCode.Usage;
    }
}
