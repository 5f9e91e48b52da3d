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
            var measured = ProbeRound.Start(process);
            for (var i = 0; i < registrations; i++)
            {
                bench.Registration();
            }

            var r = measured.Stop(registrations);
            var (completedBytes, evicted) = bench.Completed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: cpu_us_per_registration={r.CpuMicroseconds:F2} wall_us={r.WallMicroseconds:F2} bytes_per_registration={r.Bytes} gen0={r.Gen0} gen2={r.Gen2} timer_j_mb={completedBytes >> 20} timer_j_evicted={evicted} rss_mb={r.RssMegabytes}"));
        }

        if (sampler is not null)
        {
            sampler.Recording = false;
            sampler.Print(rounds * registrations, 40);
        }

        return 0;
    }
}
