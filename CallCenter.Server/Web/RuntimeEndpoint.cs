using System.Diagnostics;
using System.Runtime;

namespace CallCenter.Server.Web;

/// <summary>
/// GET /api/system/runtime: the process as the .NET runtime sees it — CPU time, garbage collections and their pauses,
/// bytes allocated, heap, threads and descriptors, and the methods compiled so far with the time the JIT took (what a
/// cold start pays while the first calls wait). Cumulative counters, so that a monitoring system (or a benchmark,
/// bench/sipp) reads them twice and divides the difference by what happened in between (calls, registrations).
/// </summary>
public static class RuntimeEndpoint
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/system/runtime", () =>
        {
            using var process = Process.GetCurrentProcess();
            var memory = GC.GetGCMemoryInfo();
            return Results.Json(new RuntimeReport(
                Math.Round(process.UserProcessorTime.TotalMilliseconds, 1),
                Math.Round(process.PrivilegedProcessorTime.TotalMilliseconds, 1),
                GCSettings.IsServerGC,
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2),
                Math.Round(GC.GetTotalPauseDuration().TotalMilliseconds, 1),
                GC.GetTotalAllocatedBytes(precise: false),
                memory.HeapSizeBytes,
                memory.TotalCommittedBytes,
                process.WorkingSet64,
                ThreadPool.ThreadCount,
                ThreadPool.PendingWorkItemCount,
                process.Threads.Count,
                process.HandleCount,
                LastPause(GCKind.Ephemeral),
                LastPause(GCKind.Background),
                LastPause(GCKind.FullBlocking),
                memory.PauseTimePercentage,
                LastEphemeral(),
                System.Runtime.JitInfo.GetCompiledMethodCount(),
                Math.Round(System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds, 1)));
        });

    /// <summary>The pauses of the last collection of that kind (a background one pauses twice), in milliseconds.</summary>
    private static double[] LastPause(GCKind kind)
    {
        var info = GC.GetGCMemoryInfo(kind);
        return info.Index == 0 ? [] : [.. info.PauseDurations.ToArray().Where(p => p > TimeSpan.Zero).Select(p => Math.Round(p.TotalMilliseconds, 2))];
    }

    /// <summary>What the last ephemeral collection kept: bytes promoted (copied or marked live, the work that
    /// makes its pause) and each generation's size after it (0, 1, 2, large, pinned).</summary>
    private static EphemeralReport? LastEphemeral()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        if (info.Index == 0)
        {
            return null;
        }

        var generations = info.GenerationInfo;
        var sizes = new long[generations.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = generations[i].SizeAfterBytes;
        }

        return new EphemeralReport(info.Generation, info.PromotedBytes, sizes);
    }

    /// <summary>Times in milliseconds, sizes in bytes, counts since the process started (gauges: heap, working
    /// set, threads, pending work, handles = open file descriptors on Linux; the last pauses of each kind of
    /// collection, and the share of time paused as the runtime computes it).</summary>
    private sealed record RuntimeReport(
        double UserCpuMs,
        double SystemCpuMs,
        bool ServerGc,
        int Gen0Collections,
        int Gen1Collections,
        int Gen2Collections,
        double GcPauseMs,
        long AllocatedBytes,
        long HeapBytes,
        long CommittedBytes,
        long WorkingSetBytes,
        int ThreadPoolThreads,
        long ThreadPoolPendingWorkItems,
        int Threads,
        int Handles,
        double[] LastEphemeralPauseMs,
        double[] LastBackgroundPauseMs,
        double[] LastFullBlockingPauseMs,
        double PauseTimePercentage,
        EphemeralReport? LastEphemeral,
        long JitMethods,
        double JitMs);

    private sealed record EphemeralReport(int Generation, long PromotedBytes, long[] GenerationSizesAfterBytes);
}
