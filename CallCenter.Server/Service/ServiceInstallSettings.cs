using System.Collections.Immutable;
using System.Runtime.InteropServices;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Service;

/// <summary>
/// What the install verbs need to register CallCenter with the operating system's service manager. Every path is
/// absolute: a service starts in a working directory of the service manager's choosing, so nothing here may depend
/// on the directory the administrator ran <c>install</c> from.
/// </summary>
public sealed record ServiceInstallSettings
{
    public const string DefaultServiceName = "callcenter";

    public string ServiceName { get; init; } = DefaultServiceName;
    public string DisplayName { get; init; } = "CallCenter PBX";
    public string Description { get; init; } = "CallCenter on-premise PBX and ACD server (SIP, RTP, web console)";

    /// <summary>Where the published application lives; the service's working directory.</summary>
    public required string InstallDirectory { get; init; }

    public required string ConfigFolder { get; init; }
    public required string DataFolder { get; init; }
    public required string LogFolder { get; init; }

    /// <summary>Only needed when recordings are kept outside <see cref="DataFolder"/>; the service must write there.</summary>
    public string? RecordingsFolder { get; init; }

    /// <summary>
    /// The account the service runs as. On Linux a system user created by <c>install</c> when missing; on Windows
    /// the virtual account <c>NT SERVICE\&lt;ServiceName&gt;</c> is always used (it needs no password).
    /// </summary>
    public string ServiceUser { get; init; } = DefaultServiceName;

    /// <summary>The primary group; null means a group named like <see cref="ServiceUser"/>.</summary>
    public string? ServiceGroup { get; init; }

    /// <summary>
    /// The command the service manager starts, executable first, one element per argument (quoting is the
    /// renderer's job). Framework-dependent: <c>/usr/bin/dotnet /opt/callcenter/CallCenter.Server.dll run --config
    /// ...</c>; apphost: <c>/opt/callcenter/CallCenter.Server run --config ...</c>.
    /// </summary>
    public required ImmutableArray<string> Command { get; init; }

    /// <summary>How long a stop may spend draining calls; the service manager's stop timeout adds <see cref="StopMargin"/>.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time after the drain for the host to stop its listeners and flush logs before it is killed.</summary>
    public TimeSpan StopMargin { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>systemd restarts the service when no WATCHDOG=1 arrives within this; the server pings at half of it.</summary>
    public TimeSpan WatchdogTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra environment for the service (Linux unit Environment= lines).</summary>
    public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    public string EffectiveGroup => ServiceGroup ?? ServiceUser;

    public TimeSpan StopTimeout => DrainTimeout + StopMargin;

    /// <summary>Data, logs, recordings and config, without duplicates or folders nested in one another's list twice.</summary>
    public ImmutableArray<string> WritableFolders
    {
        get
        {
            var folders = new List<string> { DataFolder, LogFolder };
            if (RecordingsFolder is not null && !IsInside(RecordingsFolder, DataFolder))
            {
                folders.Add(RecordingsFolder);
            }

            return [.. folders.Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Settings for the executable that is running now, with the folders the loaded configuration resolved.
    /// The service is registered with the very command that is running, so an upgrade in place keeps working.
    /// </summary>
    public static ServiceInstallSettings ForCurrentProcess(string configFolder, CallCenterOptions options) =>
        ForCurrentProcess(
            configFolder,
            options.Storage.DataFolder,
            options.Logging.Folder,
            options.Storage.RecordingsFolder,
            options.Shutdown.DrainTimeout);

    public static ServiceInstallSettings ForCurrentProcess(
        string configFolder, string dataFolder, string logFolder, string? recordingsFolder, TimeSpan drainTimeout)
    {
        var installDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var processPath = System.Environment.ProcessPath
            ?? throw new InvalidOperationException("The path of the running executable is unknown.");
        var entryAssembly = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        var config = Path.GetFullPath(configFolder);
        var environment = ImmutableSortedDictionary<string, string>.Empty;
        var dotnetRoot = DotnetRootOfRunningRuntime();
        if (!IsDotnetHost(processPath) && dotnetRoot is not null)
        {
            // An apphost looks for the runtime in a few well-known places only; a runtime installed elsewhere
            // (a tarball under /opt, say) is found again by the service only through DOTNET_ROOT.
            environment = environment.Add("DOTNET_ROOT", dotnetRoot);
        }

        return new ServiceInstallSettings
        {
            InstallDirectory = installDirectory,
            ConfigFolder = config,
            DataFolder = Path.GetFullPath(dataFolder),
            LogFolder = Path.GetFullPath(logFolder),
            RecordingsFolder = recordingsFolder is null ? null : Path.GetFullPath(recordingsFolder),
            Command = BuildCommand(processPath, entryAssembly, config),
            DrainTimeout = drainTimeout,
            Environment = environment,
        };
    }

    /// <summary>Pure half of <see cref="ForCurrentProcess(string, CallCenterOptions)"/>, so the choice is testable.</summary>
    public static ImmutableArray<string> BuildCommand(string processPath, string? entryAssemblyPath, string configFolder)
    {
        if (IsDotnetHost(processPath))
        {
            if (string.IsNullOrEmpty(entryAssemblyPath))
            {
                throw new InvalidOperationException("Running under the dotnet host, but the application assembly's path is unknown.");
            }

            return [processPath, entryAssemblyPath, "run", "--config", configFolder];
        }

        return [processPath, "run", "--config", configFolder];
    }

    private static bool IsDotnetHost(string processPath)
    {
        var name = Path.GetFileNameWithoutExtension(processPath);
        return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase);
    }

    private static string? DotnetRootOfRunningRuntime()
    {
        // RuntimeEnvironment gives <root>/shared/Microsoft.NETCore.App/<version>/.
        var runtime = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtime)));
        return root is not null && Directory.Exists(Path.Combine(root, "shared")) ? root : null;
    }

    private static bool IsInside(string path, string folder)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && !Path.IsPathRooted(relative);
    }
}
