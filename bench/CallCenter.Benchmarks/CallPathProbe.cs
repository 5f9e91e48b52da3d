using System.Diagnostics;
using System.Globalization;

namespace CallCenter.Benchmarks;

/// <summary>
/// CPU and allocation per call of <see cref="CallPathBenchmarks.Call"/> measured over whole rounds of calls with the
/// process's CPU time, so that work done on the thread pool (call contexts, shards) and the background GC count, and
/// BenchmarkDotNet's wall clock on a loaded machine does not. Also what a finished call leaves in memory while its
/// transactions linger (the clock moves 1 ms per call: 1,000 calls a second).
/// <c>dotnet run -c Release --project bench/CallCenter.Benchmarks -- callprobe [WARMUP] [ROUNDS] [CALLS]</c>
/// </summary>
internal static class CallPathProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var calls = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000;
        var bench = new CallPathBenchmarks();
        bench.Setup();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(Invariant($"callprobe warmup={warmup} rounds={rounds} calls={calls} server_gc={System.Runtime.GCSettings.IsServerGC} concurrent_gc={AppContext.GetData("System.GC.Concurrent") ?? "default"} processors={Environment.ProcessorCount}"));
        for (var i = 0; i < warmup; i++)
        {
            bench.Call();
        }

        var clientSide = TimeSpan.Zero;
        using var sampler = Environment.GetEnvironmentVariable("CALLPROBE_ALLOC") == "1" ? new AllocationSampler() : null;
        if (sampler is not null)
        {
            sampler.Recording = true;
        }

        for (var round = 1; round <= rounds; round++)
        {
            var measured = ProbeRound.Start(process);
            for (var i = 0; i < calls; i++)
            {
                bench.Call();
            }

            var r = measured.Stop(calls);
            Console.WriteLine(Invariant(
                $"round {round}: cpu_us_per_call={r.CpuMicroseconds:F1} wall_us_per_call={r.WallMicroseconds:F1} bytes_per_call={r.Bytes} gen0={r.Gen0} gen1={r.Gen1} gen2={r.Gen2} gc_pause_us_per_call={r.PauseMicroseconds:F1} heap_mb={GC.GetGCMemoryInfo().HeapSizeBytes >> 20} rss_mb={r.RssMegabytes} active_calls={bench.Calls.ActiveCalls} relays={bench.Media.ActiveRelays} timers={bench.Clock.TimerCount} stalls={bench.Stalls} lost_end_messages={bench.LostEndMessages} bye_refused={bench.ByeRefused} invite_refused={bench.InviteRefused} stuck={bench.StuckCalls} stray={bench.StrayMessages} socket_pairs_reused={bench.Media.Statistics.SocketPairsReused}"));
        }

        if (sampler is not null)
        {
            sampler.Recording = false;
            sampler.Print(rounds * calls, 40);
        }

        var layer = bench.Layer.Statistics;
        Console.WriteLine(Invariant(
            $"transactions alive: server_invite={layer.ServerInviteAlive} server_non_invite={layer.ServerNonInviteAlive} client_invite={layer.ClientInviteAlive} client_non_invite={layer.ClientNonInviteAlive} completed_bytes={layer.CompletedBytes} evicted={layer.CompletedEvicted} retransmissions={layer.RetransmissionsSent}"));

        // SIPp's own share, on the same thread, to subtract.
        var client = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            bench.ClientSide();
        }

        clientSide = client.Elapsed;
        Console.WriteLine(Invariant($"client_side_us_per_call={clientSide.TotalMicroseconds / calls:F1}"));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        process.Refresh();
        var lingering = GC.GetTotalMemory(false);
        Console.WriteLine(Invariant($"after full GC: heap_mb={lingering >> 20} rss_mb={process.WorkingSet64 >> 20}"));
        await HoldAsync("lingering");

        // Let every lingering transaction run out (64·T1 = 32 s), then see what finished calls still held.
        bench.Clock.Advance(TimeSpan.FromSeconds(40));
        await Task.Delay(500);
        bench.Clock.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(200);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        process.Refresh();
        var settled = GC.GetTotalMemory(false);
        var held = Math.Min(bench.CompletedCalls, 32_000);
        Console.WriteLine(Invariant(
            $"after 41 s more: heap_mb={settled >> 20} rss_mb={process.WorkingSet64 >> 20} timers={bench.Clock.TimerCount}; held per call while lingering: {(lingering - settled) / held} bytes over the last {held} calls"));
        await HoldAsync("settled");

        await bench.CleanupAsync();
        return 0;
    }

    /// <summary>CALLPROBE_HOLD=lingering (or settled) keeps the process still for a minute at that point, for
    /// <c>CallCenter.Benchmarks heapcensus PID</c> from another shell.</summary>
    private static async Task HoldAsync(string moment)
    {
        if (Environment.GetEnvironmentVariable("CALLPROBE_HOLD") == moment)
        {
            Console.WriteLine(Invariant($"holding ({moment}) for a heap census: CallCenter.Benchmarks heapcensus {Environment.ProcessId}"));
            await Task.Delay(TimeSpan.FromSeconds(60));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
