using System.Collections.Immutable;
using System.Runtime.Versioning;

namespace CallCenter.Server.Service;

/// <summary>
/// Installs CallCenter as a systemd service. Every change to the machine is either a command through
/// <see cref="ICommandRunner"/> (echoed to the output as "$ command") or the one unit file it writes, so an
/// administrator reading the output knows exactly what happened and can undo it by hand.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LinuxServiceManager(ICommandRunner runner, LinuxServiceEnvironment environment) : IServiceManager
{
    private const string Systemctl = "systemctl";

    /// <summary>getent(1): "One or more supplied key could not be found in the database."</summary>
    private const int GetentNotFound = 2;

    public LinuxServiceManager()
        : this(new ProcessCommandRunner(), new LinuxServiceEnvironment())
    {
    }

    public string UnitPath(ServiceInstallSettings settings) =>
        Path.Combine(environment.UnitDirectory, SystemdUnit.FileName(settings));

    public int Install(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        var problems = SystemdUnit.Validate(settings);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine(problem);
            }

            error.WriteLine("Nothing was changed.");
            return ServiceExitCode.Failed;
        }

        if (!RequireRoot("install", "it creates a system user, writes the unit file and runs systemctl", settings, error))
        {
            return ServiceExitCode.NotPermitted;
        }

        var group = EnsureUser(settings, output, error);
        if (group is null)
        {
            return ServiceExitCode.Failed;
        }

        settings = settings with { ServiceGroup = group };
        foreach (var folder in settings.WritableFolders)
        {
            // install -d also fixes owner and mode of a folder that already exists (a previous run as root, say);
            // it does not recurse, so files already inside keep their owner.
            if (!RunStep(output, error, "install", ["-d", "-m", "0750", "-o", settings.ServiceUser, "-g", group, folder]))
            {
                return ServiceExitCode.Failed;
            }
        }

        var unitPath = UnitPath(settings);
        WriteUnitFile(unitPath, SystemdUnit.Render(settings), output);
        output.WriteLine($"Kept as they are: the configuration in {settings.ConfigFolder} (the service only reads it).");

        if (!environment.IsSystemdRunning())
        {
            output.WriteLine(
                $"systemd is not running on this machine (no /run/systemd/system): the unit was written to {unitPath} " +
                $"but not enabled; on a machine booted with systemd enable and start it with: " +
                $"systemctl daemon-reload && systemctl enable --now {settings.ServiceName}");
            return ServiceExitCode.Success;
        }

        if (!RunStep(output, error, Systemctl, ["daemon-reload"]) ||
            !RunStep(output, error, Systemctl, ["enable", settings.ServiceName]))
        {
            return ServiceExitCode.Failed;
        }

        output.WriteLine(
            $"Installed and enabled '{settings.ServiceName}' (starts at boot). Start it now with: systemctl start {settings.ServiceName}");
        return ServiceExitCode.Success;
    }

    public int Uninstall(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!RequireRoot("uninstall", "it stops and disables the service and removes its unit file", settings, error))
        {
            return ServiceExitCode.NotPermitted;
        }

        var unitPath = UnitPath(settings);
        if (!File.Exists(unitPath))
        {
            output.WriteLine($"'{settings.ServiceName}' is not installed (no {unitPath}); nothing to uninstall.");
            return ServiceExitCode.Success;
        }

        var systemd = environment.IsSystemdRunning();
        if (systemd)
        {
            if (!RunStep(output, error, Systemctl, ["stop", settings.ServiceName]) ||
                !RunStep(output, error, Systemctl, ["disable", settings.ServiceName]))
            {
                return ServiceExitCode.Failed;
            }
        }

        File.Delete(unitPath);
        output.WriteLine($"Removed {unitPath}.");
        if (systemd && !RunStep(output, error, Systemctl, ["daemon-reload"]))
        {
            return ServiceExitCode.Failed;
        }

        output.WriteLine(
            $"Kept: data in {settings.DataFolder}, logs in {settings.LogFolder}, configuration in {settings.ConfigFolder} " +
            $"and the user '{settings.ServiceUser}'. Remove them by hand if they are no longer needed " +
            $"(userdel {settings.ServiceUser}; rm -r the folders).");
        return ServiceExitCode.Success;
    }

    public int Start(ServiceInstallSettings settings, TextWriter output, TextWriter error) =>
        Control("start", settings, output, error);

    public int Stop(ServiceInstallSettings settings, TextWriter output, TextWriter error) =>
        Control("stop", settings, output, error);

    public int Status(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!IsInstalled(settings, error, out var unitPath))
        {
            return ServiceExitCode.NotInstalled;
        }

        if (!environment.IsSystemdRunning())
        {
            output.WriteLine($"'{settings.ServiceName}' is installed ({unitPath}) but systemd is not running on this machine, so it is not running.");
            return ServiceExitCode.NotRunning;
        }

        var result = runner.Run(Systemctl, ["status", settings.ServiceName, "--no-pager"]);
        output.Write(result.StandardOutput);
        error.Write(result.StandardError);

        // systemctl status: 0 active, 3 inactive or failed (LSB), 4 no such unit.
        return result.ExitCode switch
        {
            0 => ServiceExitCode.Success,
            3 => ServiceExitCode.NotRunning,
            4 => ServiceExitCode.NotInstalled,
            _ => ServiceExitCode.Failed,
        };
    }

    private int Control(string action, ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        if (!RequireRoot(action, $"systemctl {action} of a system service needs it", settings, error))
        {
            return ServiceExitCode.NotPermitted;
        }

        if (!IsInstalled(settings, error, out _))
        {
            return ServiceExitCode.NotInstalled;
        }

        if (!environment.IsSystemdRunning())
        {
            error.WriteLine($"systemd is not running on this machine (no /run/systemd/system): cannot {action} '{settings.ServiceName}'.");
            return ServiceExitCode.Failed;
        }

        if (!RunStep(output, error, Systemctl, [action, settings.ServiceName]))
        {
            error.WriteLine($"See why with: journalctl -u {settings.ServiceName} -n 50 --no-pager");
            return ServiceExitCode.Failed;
        }

        output.WriteLine(action == "start"
            ? $"Started '{settings.ServiceName}' (systemd waited for the server to report ready)."
            : $"Stopped '{settings.ServiceName}'.");
        return ServiceExitCode.Success;
    }

    /// <summary>Creates the service user when missing and returns the group the service runs as, or null on failure.</summary>
    private string? EnsureUser(ServiceInstallSettings settings, TextWriter output, TextWriter error)
    {
        var user = settings.ServiceUser;
        var lookup = Echo(output, "getent", ["passwd", user]);
        if (lookup.Succeeded)
        {
            output.WriteLine($"User '{user}' exists; kept as it is.");
            if (settings.ServiceGroup is not null)
            {
                return settings.ServiceGroup;
            }

            // An existing user may have a primary group of another name; the unit must name the real one.
            var primary = Echo(output, "id", ["-gn", user]);
            if (!primary.Succeeded || string.IsNullOrWhiteSpace(primary.StandardOutput))
            {
                error.WriteLine($"failed: id -gn {user}: {primary.Reason}");
                return null;
            }

            return primary.StandardOutput.Trim();
        }

        if (lookup.ExitCode != GetentNotFound)
        {
            error.WriteLine($"failed: getent passwd {user}: {lookup.Reason}");
            return null;
        }

        ImmutableArray<string> groupArguments = settings.ServiceGroup is null ? ["--user-group"] : ["--gid", settings.ServiceGroup];
        ImmutableArray<string> arguments =
        [
            "--system", "--no-create-home", "--home-dir", settings.DataFolder, "--shell", "/usr/sbin/nologin",
            .. groupArguments, "--comment", "CallCenter service", user,
        ];
        return RunStep(output, error, "useradd", arguments) ? settings.EffectiveGroup : null;
    }

    private bool IsInstalled(ServiceInstallSettings settings, TextWriter error, out string unitPath)
    {
        unitPath = UnitPath(settings);
        if (File.Exists(unitPath))
        {
            return true;
        }

        error.WriteLine($"'{settings.ServiceName}' is not installed (no {unitPath}); install it first with the 'install' verb.");
        return false;
    }

    private bool RequireRoot(string verb, string why, ServiceInstallSettings settings, TextWriter error)
    {
        if (environment.IsPrivileged())
        {
            return true;
        }

        error.WriteLine($"'{verb}' must run as root ({why}). Nothing was changed. Run it again with sudo, e.g. sudo {CommandLineHint(settings, verb)}");
        return false;
    }

    private static string CommandLineHint(ServiceInstallSettings settings, string verb)
    {
        // The running command minus its "run ..." tail, plus the verb: what the administrator typed, near enough.
        var command = settings.Command;
        var runIndex = command.IndexOf("run");
        var head = runIndex > 0 ? command[..runIndex] : command.IsDefaultOrEmpty ? [] : [command[0]];
        return string.Join(' ', head.Select(SystemdUnit.QuoteWord).Append(verb));
    }

    private void WriteUnitFile(string unitPath, string text, TextWriter output)
    {
        if (File.Exists(unitPath) && File.ReadAllText(unitPath) == text)
        {
            output.WriteLine($"{unitPath} is already up to date.");
            return;
        }

        // Write beside and rename, so systemd never reads half a unit.
        var temporary = unitPath + ".tmp";
        File.WriteAllText(temporary, text);
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, unitPath, overwrite: true);
        output.WriteLine($"Wrote {unitPath} (mode 0644).");
    }

    private bool RunStep(TextWriter output, TextWriter error, string fileName, ImmutableArray<string> arguments)
    {
        var result = Echo(output, fileName, arguments);
        if (result.Succeeded)
        {
            return true;
        }

        error.WriteLine($"failed: {fileName} {string.Join(' ', arguments)}: {result.Reason}");
        return false;
    }

    private CommandResult Echo(TextWriter output, string fileName, ImmutableArray<string> arguments)
    {
        output.WriteLine($"$ {fileName} {string.Join(' ', arguments.Select(SystemdUnit.QuoteWord))}");
        return runner.Run(fileName, arguments);
    }
}
