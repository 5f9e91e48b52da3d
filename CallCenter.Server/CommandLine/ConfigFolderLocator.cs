namespace CallCenter.Server.CommandLine;

/// <summary>
/// Finds the configuration folder when none is given. `dotnet run --project CallCenter.Server` starts in the
/// project folder, an installed service starts wherever its manager says, so we look in the usual places in
/// a fixed order and report where we looked when nothing fits.
/// </summary>
public static class ConfigFolderLocator
{
    public const string EnvironmentVariable = "CALLCENTER_CONFIG";

    public static string? Locate(string? explicitFolder, out IReadOnlyList<string> searched)
    {
        var tried = new List<string>();
        searched = tried;
        if (!string.IsNullOrWhiteSpace(explicitFolder))
        {
            var full = Path.GetFullPath(explicitFolder);
            tried.Add(full);
            return full;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var full = Path.GetFullPath(fromEnvironment);
            tried.Add(full);
            return full;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "config");
                tried.Add(candidate);
                if (File.Exists(Path.Combine(candidate, "callcenter.xml")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
