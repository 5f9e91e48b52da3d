namespace CallCenter.Server.Service;

/// <summary>The facts about the machine <see cref="LinuxServiceManager"/> acts on, replaceable in tests.</summary>
public sealed record LinuxServiceEnvironment
{
    public string UnitDirectory { get; init; } = "/etc/systemd/system";

    public Func<bool> IsPrivileged { get; init; } = static () => Environment.IsPrivilegedProcess;

    /// <summary>The test sd_booted(3) uses: systemd creates this directory when it runs as PID 1.</summary>
    public Func<bool> IsSystemdRunning { get; init; } = static () => Directory.Exists("/run/systemd/system");
}
