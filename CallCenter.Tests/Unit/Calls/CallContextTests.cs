using CallCenter.Core.Calls;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>The call's serial context: order, and above all that no posted item is ever left in the queue with
/// no drain to run it (the teardown race of issue 4: a BYE posted just as the context went idle sat there for ever).</summary>
public sealed class CallContextTests
{
    [Test]
    public async Task ItemsRunOneAtATimeInTheOrderTheyWerePosted()
    {
        var context = new CallContext(ex => Assert.Fail(ex.ToString()));
        var seen = new List<int>();
        var running = 0;
        var overlapped = false;
        for (var i = 0; i < 1_000; i++)
        {
            var n = i;
            context.Post(() =>
            {
                overlapped |= Interlocked.Increment(ref running) > 1;
                seen.Add(n);
                Interlocked.Decrement(ref running);
            });
        }

        var done = new TaskCompletionSource();
        context.Post(done.SetResult);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 1_000)));
        Assert.That(overlapped, Is.False);
    }

    /// <summary>Issue 4's end-of-call race: a BYE (or the callee's 200) posted just as the context went idle
    /// stayed in its queue with no drain. See <see cref="DrainExitRace"/> for how, and why it is a stress probe.</summary>
    [Test]
    public void APostRacingTheEndOfADrainIsNeverLeftBehind()
    {
        var context = new CallContext(ex => Assert.Fail(ex.ToString()));

        var lost = DrainExitRace.Run(context.Post, TimeSpan.FromSeconds(5), seed: 4);

        Assert.That(lost, Is.Null);
    }
}
