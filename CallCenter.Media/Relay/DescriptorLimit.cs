using System.Globalization;

namespace CallCenter.Media.Relay;

/// <summary>
/// The process's soft limit on open file descriptors, which every relay socket counts against (four per relay). On
/// Linux it is read from /proc/self/limits; elsewhere (Windows has no such per-process limit for sockets) it is
/// unknown.
/// </summary>
internal static class DescriptorLimit
{
    /// <summary>The soft "Max open files" limit, or null when it is unknown or unlimited.</summary>
    public static int? Current()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return Parse(File.ReadAllText("/proc/self/limits"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads the soft limit from the text of /proc/self/limits ("Max open files  20000  20000  files").</summary>
    public static int? Parse(string limits)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) && soft > 0
                ? soft
                : null;
        }

        return null;
    }
}
