using System.Globalization;
using System.Net;
using CallCenter.Media.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.RtpBench;

/// <summary>
/// Relay host for bench/rtp/relay-bench.sh: the media relay without SIP, so that what it costs per packet can be put
/// beside udpbench's C relay. Opens the relays, prints "ready", samples its own CPU time and the relays' counters
/// every interval until the time is up, prints a summary (key=value, one line per topic) and exits.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!RtpBenchOptions.TryParse(args, out var options, out var error))
        {
            await Console.Error.WriteLineAsync($"{error}\n\n{RtpBenchOptions.Usage}");
            return 2;
        }

        var time = TimeProvider.System;
        var managedAtStart = GC.GetTotalMemory(forceFullCollection: true);
        var memoryAtStart = ProcessGauge.Memory();
        var observer = new CountingObserver();
        await using var manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = options.PortMin, PortMax = options.PortMax, UseEventLoop = options.UseEventLoop, EventLoops = options.EventLoops },
            time,
            NullLogger<MediaRelayManager>.Instance);

        var relays = new List<MediaRelay>(options.Relays);
        for (var i = 0; i < options.Relays; i++)
        {
            if (!manager.TryCreateRelay(observer, out var relay, out var refused))
            {
                await Console.Error.WriteLineAsync($"relay {i} refused: {refused}");
                return 1;
            }

            relays.Add(relay);
            Configure(relay, i, options);
        }

        // rtpgen finds the legs by arithmetic; a port taken by another program shifts every relay after it.
        var firstPort = relays[0].LocalRtpEndPoint(MediaLegSide.A).Port;
        for (var i = 0; i < relays.Count; i++)
        {
            var a = relays[i].LocalRtpEndPoint(MediaLegSide.A).Port;
            var b = relays[i].LocalRtpEndPoint(MediaLegSide.B).Port;
            if (a != firstPort + (4 * i) || b != a + 2)
            {
                await Console.Error.WriteLineAsync($"relay {i} is on {a}/{b}, not {firstPort + (4 * i)}/{firstPort + (4 * i) + 2}: a port of the range is taken");
                return 1;
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var managedPerRelay = (GC.GetTotalMemory(forceFullCollection: true) - managedAtStart) / options.Relays;
        var memoryWithRelays = ProcessGauge.Memory();
        Console.WriteLine(Invariant(
            $"ready pid={Environment.ProcessId} relays={relays.Count} first_port={firstPort} codec_a={options.CodecA} codec_b={options.CodecB} layout={options.Layout} remote={options.RemotePort} event_loop={manager.UsesEventLoop} event_loops={manager.EventLoopCount} processors={Environment.ProcessorCount} server_gc={System.Runtime.GCSettings.IsServerGC}"));

        var samples = new List<Sample>();
        var started = time.GetTimestamp();
        samples.Add(Take(manager, time, started, 0));
        var samplerAllocations = samples[0].SamplerAllocated;
        while (time.GetElapsedTime(started) < options.Duration)
        {
            await Task.Delay(options.SampleInterval, time);
            var sample = Take(manager, time, started, samplerAllocations);
            samplerAllocations = sample.SamplerAllocated;
            var previous = samples[^1];
            samples.Add(sample);
            Console.WriteLine(Invariant(
                $"sample t={sample.Wall.TotalSeconds:F1} cpu_ms={(sample.Cpu - previous.Cpu).TotalMilliseconds:F0} in={sample.PacketsIn - previous.PacketsIn} out={sample.PacketsOut - previous.PacketsOut} alloc_kb={((sample.Allocated - previous.Allocated) - (sample.SamplerAllocated - previous.SamplerAllocated)) / 1024}"));
        }

        var memoryUnderLoad = ProcessGauge.Memory();
        var totals = manager.Statistics;
        Console.WriteLine(Invariant($"rtpbench loops relays_per_loop={string.Join(',', totals.RelaysPerEventLoop)}"));
        Report(options, samples, totals, memoryAtStart, memoryWithRelays, memoryUnderLoad, managedPerRelay, observer);
        return 0;
    }

    private static void Configure(MediaRelay relay, int index, RtpBenchOptions options)
    {
        relay.Configure(MediaLegSide.A, new MediaLegSettings
        {
            RemoteRtp = new IPEndPoint(IPAddress.Loopback, options.RemoteFor(index, a: true)),
            Codec = options.CodecA,
            PayloadType = RtpBenchOptions.PayloadTypeOf(options.CodecA),
        });
        relay.Configure(MediaLegSide.B, new MediaLegSettings
        {
            RemoteRtp = new IPEndPoint(IPAddress.Loopback, options.RemoteFor(index, a: false)),
            Codec = options.CodecB,
            PayloadType = RtpBenchOptions.PayloadTypeOf(options.CodecB),
        });
    }

    /// <summary>One reading. The manager's statistics allocate a record per leg; what that costs this thread is
    /// counted apart so that the allocation per relayed packet is the relay's own.</summary>
    private static Sample Take(MediaRelayManager manager, TimeProvider time, long started, long samplerAllocatedSoFar)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var statistics = manager.Statistics.Totals;
        var sampler = GC.GetAllocatedBytesForCurrentThread() - before;
        return new Sample(
            time.GetElapsedTime(started), ProcessGauge.CpuTime(), statistics.PacketsIn, statistics.PacketsOut,
            GC.GetTotalAllocatedBytes(precise: false), samplerAllocatedSoFar + sampler, GC.CollectionCount(0), GC.CollectionCount(2));
    }

    private static void Report(
        RtpBenchOptions options, List<Sample> samples, MediaRelayManagerStatistics statistics, (long Resident, long Peak) atStart,
        (long Resident, long Peak) withRelays, (long Resident, long Peak) underLoad, long managedPerRelay, CountingObserver observer)
    {
        var first = samples[0];
        var last = samples[^1];

        // The steady window: every interval that relayed something, less the first and the last (partly idle).
        var busy = Enumerable.Range(1, samples.Count - 1).Where(i => samples[i].PacketsOut > samples[i - 1].PacketsOut).ToList();
        var steady = busy.Count >= 3 ? busy.Skip(1).SkipLast(1).ToList() : busy;
        TimeSpan cpu = TimeSpan.Zero, wall = TimeSpan.Zero;
        long packetsIn = 0, packetsOut = 0, allocated = 0;
        foreach (var i in steady)
        {
            cpu += samples[i].Cpu - samples[i - 1].Cpu;
            wall += samples[i].Wall - samples[i - 1].Wall;
            packetsIn += samples[i].PacketsIn - samples[i - 1].PacketsIn;
            packetsOut += samples[i].PacketsOut - samples[i - 1].PacketsOut;
            allocated += (samples[i].Allocated - samples[i - 1].Allocated) - (samples[i].SamplerAllocated - samples[i - 1].SamplerAllocated);
        }

        var totalOut = last.PacketsOut - first.PacketsOut;
        var totalCpu = last.Cpu - first.Cpu;
        Console.WriteLine(Invariant(
            $"rtpbench steady intervals={steady.Count} seconds={wall.TotalSeconds:F1} cpu_s={cpu.TotalSeconds:F3} cpu_pct={Percent(cpu, wall):F1} in={packetsIn} out={packetsOut} out_pps={PerSecond(packetsOut, wall):F0} relayed_per_cpu_s={PerSecond(packetsOut, cpu):F0} cpu_us_per_packet={MicrosecondsPer(cpu, packetsOut):F2} alloc_bytes_per_packet={(packetsOut > 0 ? (double)allocated / packetsOut : 0):F2}"));
        Console.WriteLine(Invariant(
            $"rtpbench whole seconds={(last.Wall - first.Wall).TotalSeconds:F1} cpu_s={totalCpu.TotalSeconds:F3} out={totalOut} relayed_per_cpu_s={PerSecond(totalOut, totalCpu):F0} gen0={last.Gen0 - first.Gen0} gen2={last.Gen2 - first.Gen2} process_cpu_s={last.Cpu.TotalSeconds:F3}"));
        var t = statistics.Totals;
        Console.WriteLine(Invariant(
            $"rtpbench counters relays={statistics.ActiveRelays} packets_in={t.PacketsIn} packets_out={t.PacketsOut} garbage={t.Garbage} foreign_source={t.ForeignSource} unexpected_pt={t.UnexpectedPayloadType} not_forwarded={t.NotForwarded} send_failures={t.SendFailures} receive_errors={t.ReceiveErrors} latch_changes={t.LatchChanges} rtcp_out={t.RtcpOut} digits={observer.Digits} timeouts={observer.Timeouts}"));
        var relays = Math.Max(1, statistics.ActiveRelays);
        Console.WriteLine(Invariant(
            $"rtpbench memory rss_start_kb={atStart.Resident / 1024} rss_relays_kb={withRelays.Resident / 1024} rss_load_kb={underLoad.Resident / 1024} rss_peak_kb={underLoad.Peak / 1024} rss_per_relay_kb={(double)(underLoad.Resident - atStart.Resident) / 1024 / relays:F1} managed_per_relay_bytes={managedPerRelay}"));
    }

    private static double Percent(TimeSpan part, TimeSpan whole) => whole > TimeSpan.Zero ? 100 * part / whole : 0;

    private static double PerSecond(long count, TimeSpan span) => span > TimeSpan.Zero ? count / span.TotalSeconds : 0;

    private static double MicrosecondsPer(TimeSpan span, long count) => count > 0 ? span.TotalMicroseconds / count : 0;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Sample(
        TimeSpan Wall, TimeSpan Cpu, long PacketsIn, long PacketsOut, long Allocated, long SamplerAllocated, int Gen0, int Gen2);
}
