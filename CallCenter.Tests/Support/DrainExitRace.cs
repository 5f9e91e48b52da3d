using System.Diagnostics;

namespace CallCenter.Tests.Support;

/// <summary>
/// Looks for a lost wake-up in a serial queue that a drain empties and leaves (a call's context, a SIP shard): a
/// chain of items, each posted at a random moment around the end of the one before. Posted early, an item is taken
/// by the same drain; late, it starts a new drain; in between, it lands while the drain is deciding whether to go
/// idle, the one moment a wake-up can be lost. Nothing else is posted while the probe waits for an item to run, so
/// an item left behind stays behind and is reported.
/// <para>This is a stress probe, not a proof: the race it looks for is a store→load reordering of the CPU, which no
/// test can force, so each run has only a chance to meet it: before the fix, on this 2-core machine, the call
/// context's probe caught it in 1 run of 6 and the shard's in 2 of 6 (5 s each); after it, in none of 9.</para>
/// </summary>
internal static class DrainExitRace
{
    /// <summary>Null when every item ran; otherwise what was left behind. <paramref name="post"/> queues its
    /// argument to run on the queue under test and says whether the queue took it.</summary>
    public static string? Run(Func<Action, bool> post, TimeSpan duration, int seed)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var started = 0;
        var posts = 0;
        while (clock.Elapsed < duration)
        {
            var item = ++posts;
            var work = random.Next(20, 200);
            if (!post(() =>
            {
                Volatile.Write(ref started, item);
                Thread.SpinWait(work);
            }))
            {
                return $"item {item} was refused";
            }

            var waited = Stopwatch.StartNew();
            while (Volatile.Read(ref started) != item)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(5))
                {
                    return $"item {item} was posted but never ran (after {clock.Elapsed.TotalSeconds:F1} s)";
                }
            }

            Thread.SpinWait(random.Next(work / 2, work * 3 / 2));
        }

        return null;
    }
}
