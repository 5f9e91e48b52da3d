using CallCenter.Core.Storage;
using CallCenter.Server.Configuration;
using CallCenter.Server.Hosting;
using CallCenter.Server.Service;

namespace CallCenter.Server.CommandLine;

/// <summary>Dispatches the verbs of the executable (Topshelf style: one binary runs, checks and installs).</summary>
public static class ServerCommands
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (!CommandLineArguments.TryParse(args, out var parsed, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(CommandLineArguments.Usage);
            return ExitCodes.Usage;
        }

        if (parsed.Help)
        {
            await output.WriteLineAsync(CommandLineArguments.Usage);
            return ExitCodes.Success;
        }

        if (parsed.Verb == "version")
        {
            await output.WriteLineAsync($"CallCenter {ServerInfo.Version}");
            return ExitCodes.Success;
        }

        var folder = ConfigFolderLocator.Locate(parsed.ConfigFolder, out var searched);
        if (folder is null)
        {
            await error.WriteLineAsync("No configuration folder found. Looked for config/callcenter.xml in:");
            foreach (var place in searched)
            {
                await error.WriteLineAsync($"  {place}");
            }

            await error.WriteLineAsync($"Give one with --config DIR or the {ConfigFolderLocator.EnvironmentVariable} environment variable.");
            return ExitCodes.ConfigError;
        }

        switch (parsed.Verb)
        {
            case "run":
                return await ServerHost.RunAsync(folder, error);
            case "check-config":
                return CheckConfigCommand.Run(folder, output, error) == 0 ? ExitCodes.Success : ExitCodes.ConfigError;
            case "backup":
                return await BackupAsync(folder, parsed.Argument, output, error);
            case var verb when ServiceVerbs.IsServiceVerb(verb):
                return ServiceVerb(verb, folder, output, error);
            default:
                await error.WriteLineAsync($"The verb '{parsed.Verb}' is not available in this build.");
                return ExitCodes.Usage;
        }
    }

    private static int ServiceVerb(string verb, string folder, TextWriter output, TextWriter error)
    {
        var loaded = ConfigurationLoader.Load(folder);
        ServiceInstallSettings settings;
        if (loaded.Succeeded)
        {
            settings = ServiceInstallSettings.ForCurrentProcess(folder, loaded.Options!);
        }
        else if (verb == "install")
        {
            // Installing a service that would refuse to start helps nobody.
            foreach (var item in loaded.Errors)
            {
                error.WriteLine(item.ToString());
            }

            error.WriteLine($"Not installed: fix the {loaded.Errors.Length} configuration error(s) above first.");
            return ExitCodes.ConfigError;
        }
        else
        {
            // stop, status and uninstall must work even while the configuration is broken.
            var root = Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)) ?? folder;
            settings = ServiceInstallSettings.ForCurrentProcess(
                folder, Path.Combine(root, "data"), Path.Combine(root, "logs"), null, new Core.Configuration.ShutdownOptions().DrainTimeout);
        }

        return ServiceVerbs.Run(verb, settings, output, error);
    }

    private static async Task<int> BackupAsync(string folder, string? target, TextWriter output, TextWriter error)
    {
        var loaded = ConfigurationLoader.Load(folder);
        if (!loaded.Succeeded)
        {
            foreach (var item in loaded.Errors)
            {
                await error.WriteLineAsync(item.ToString());
            }

            return ExitCodes.ConfigError;
        }

        var storage = loaded.Options!.Storage;
        target ??= Path.Combine(storage.DataFolder, "backups", $"callcenter-{DateTime.UtcNow:yyyyMMdd-HHmmss}.db");
        if (!File.Exists(storage.DatabasePath))
        {
            await error.WriteLineAsync($"There is no database at {storage.DatabasePath} to back up yet (the server creates it on first start).");
            return ExitCodes.DataError;
        }

        try
        {
            await Database.BackupFileAsync(storage.DatabasePath, target, storage.BusyTimeout, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Backup failed: {ex.Message}");
            return ExitCodes.IoError;
        }

        await output.WriteLineAsync($"Backup written to {Path.GetFullPath(target)}");
        return ExitCodes.Success;
    }
}
