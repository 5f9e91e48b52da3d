using System.Diagnostics;

namespace CallCenter.Benchmarks;

/// <summary>
/// One measured round of a probe: the process's CPU time (so the server GC's threads and any pool work count),
/// wall time, bytes allocated and collections, from <see cref="Start"/> to <see cref="Stop"/>. Shared by the call
/// and register probes.
/// </summary>
internal sealed class ProbeRound
{
    private readonly Process _process;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly TimeSpan _pause;
    private readonly Stopwatch _wall = Stopwatch.StartNew();

    private ProbeRound(Process process)
    {
        _process = process;
        process.Refresh();
        _cpu = process.TotalProcessorTime;
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _pause = GC.GetTotalPauseDuration();
    }

    public static ProbeRound Start(Process process) => new(process);

    /// <summary>Ends the round over <paramref name="operations"/> operations.</summary>
    public Result Stop(int operations)
    {
        _wall.Stop();
        _process.Refresh();
        return new Result(
            (_process.TotalProcessorTime - _cpu).TotalMicroseconds / operations,
            _wall.Elapsed.TotalMicroseconds / operations,
            (GC.GetTotalAllocatedBytes(precise: true) - _allocated) / operations,
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2,
            (GC.GetTotalPauseDuration() - _pause).TotalMicroseconds / operations,
            _process.WorkingSet64 >> 20);
    }

    public readonly record struct Result(
        double CpuMicroseconds, double WallMicroseconds, long Bytes, int Gen0, int Gen1, int Gen2, double PauseMicroseconds, long RssMegabytes);
}
