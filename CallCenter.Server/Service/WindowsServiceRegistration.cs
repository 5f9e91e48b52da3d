namespace CallCenter.Server.Service;

/// <summary>What CallCenter registers with the Service Control Manager, computed without touching it.</summary>
public static class WindowsServiceRegistration
{
    /// <summary>Restart after 5 s, again after 5 s, then every 30 s; the failure count resets after a quiet day.</summary>
    public static readonly TimeSpan[] RestartDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    public static readonly TimeSpan FailureResetPeriod = TimeSpan.FromDays(1);

    /// <summary>The full command line the SCM runs, the executable quoted when its path has spaces.</summary>
    public static string BinaryPath(ServiceInstallSettings settings) => WindowsCommandLine.Join(settings.Command);

    /// <summary>
    /// The per-service virtual account: a real identity for ACLs (install.ps1 grants it the data and log
    /// folders) with no password to manage and no rights beyond what is granted to it.
    /// </summary>
    public static string Account(ServiceInstallSettings settings) => @"NT SERVICE\" + settings.ServiceName;

    public static IReadOnlyList<string> Validate(ServiceInstallSettings settings)
    {
        var problems = new List<string>();
        if (settings.ServiceName.Length is 0 or > 256 || settings.ServiceName.Any(c => c is '/' or '\\' || char.IsControl(c)))
        {
            problems.Add($"'{settings.ServiceName}' is not a valid service name (no slashes, at most 256 characters).");
        }

        if (settings.Command.IsDefaultOrEmpty || !Path.IsPathFullyQualified(settings.Command[0]))
        {
            problems.Add("The service command must start with the absolute path of an executable.");
        }

        return problems;
    }
}
