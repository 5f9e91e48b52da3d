using System.Diagnostics;
using System.Globalization;

namespace CallCenter.Benchmarks;

/// <summary>
/// CPU and allocation per registration of <see cref="RegisterPathBenchmarks.Registration"/> over whole rounds, with
/// the process's CPU time (the server GC's threads count) rather than BenchmarkDotNet's wall clock, which this
/// noisy 2-core machine scatters. The clock moves 1/RATE s per registration, so the Timer J store (64·T1 of both
/// transactions' responses) and the nonce table hold what they hold when SIPp registers at RATE a second.
/// <c>dotnet run -c Release --project bench/CallCenter.Benchmarks -- registerprobe [RATE] [WARMUP] [ROUNDS] [REGISTRATIONS]</c>
/// </summary>
internal static class RegisterPathProbe
{
    public static int Run(string[] args)
    {
        var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16_000;
        var warmup = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 600_000;
        var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
        var registrations = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 200_000;
        var bench = new RegisterPathBenchmarks { Step = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / rate) };
        bench.Setup();
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"registerprobe rate={rate}/s warmup={warmup} rounds={rounds} registrations={registrations} server_gc={System.Runtime.GCSettings.IsServerGC} processors={Environment.ProcessorCount}"));
        for (var i = 0; i < warmup; i++)
        {
            bench.Registration();
        }

        // REGISTERPROBE_ALLOC=1: what the allocations are, by type and allocating frames (sampled by the runtime).
        using var sampler = Environment.GetEnvironmentVariable("REGISTERPROBE_ALLOC") == "1" ? new AllocationSampler() : null;
        if (sampler is not null)
        {
            sampler.Recording = true;
        }

        for (var round = 1; round <= rounds; round++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var gen0 = GC.CollectionCount(0);
            var gen2 = GC.CollectionCount(2);
            var wall = Stopwatch.StartNew();
            for (var i = 0; i < registrations; i++)
            {
                bench.Registration();
            }

            wall.Stop();
            process.Refresh();
            var used = process.TotalProcessorTime - cpu;
            var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            var (completedBytes, evicted) = bench.Completed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: cpu_us_per_registration={used.TotalMicroseconds / registrations:F2} wall_us={wall.Elapsed.TotalMicroseconds / registrations:F2} bytes_per_registration={bytes / registrations} gen0={GC.CollectionCount(0) - gen0} gen2={GC.CollectionCount(2) - gen2} timer_j_mb={completedBytes >> 20} timer_j_evicted={evicted} rss_mb={process.WorkingSet64 >> 20}"));
        }

        if (sampler is not null)
        {
            sampler.Recording = false;
            sampler.Print(rounds * registrations, 40);
        }

        return 0;
    }
}
