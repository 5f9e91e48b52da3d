using System.Diagnostics;
using System.Globalization;
using System.Net;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// What a call's relay costs to open and close, alone: <c>relaychurn [COUNT]</c> opens a relay (two socket pairs,
/// bound, registered with an event loop) and disposes it, COUNT times, and prints process CPU and bytes per relay.
/// The part of <see cref="CallPathBenchmarks.Call"/> a pool of pre-opened socket pairs could save.
/// </summary>
internal static class RelayChurnProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
        await using var manager = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 30_000, PortMax = 39_999 },
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        var observer = new NoObserver();
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 2; round++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < count; i++)
            {
                if (!manager.TryCreateRelay(observer, out var relay, out var error))
                {
                    Console.WriteLine($"refused: {error}");
                    return 1;
                }

                await relay.DisposeAsync();
            }

            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"relaychurn round {round + 1}: cpu_us_per_relay={(process.TotalProcessorTime - cpu).TotalMicroseconds / count:F1} bytes_per_relay={(GC.GetTotalAllocatedBytes(precise: true) - bytes) / count} event_loops={manager.EventLoopCount}"));
        }

        return 0;
    }

    private sealed class NoObserver : IMediaRelayObserver
    {
        public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit)
        {
        }

        public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence)
        {
        }
    }
}
