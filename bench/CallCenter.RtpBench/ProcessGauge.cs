using System.Diagnostics;
using System.Globalization;

namespace CallCenter.RtpBench;

/// <summary>
/// This process's CPU time (all threads, user + system) and resident memory. RSS and its peak come from
/// /proc/self/status (Linux, where the benchmark runs); elsewhere they read as zero.
/// </summary>
public static class ProcessGauge
{
    public static TimeSpan CpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>VmRSS and VmHWM in bytes.</summary>
    public static (long Resident, long Peak) Memory()
    {
        long resident = 0, peak = 0;
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return (0, 0);
        }

        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (resident, peak);
    }

    // "VmRSS:     123456 kB"
    private static long Kilobytes(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0;
    }
}
