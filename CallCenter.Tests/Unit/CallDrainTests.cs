using CallCenter.Core.Hosting;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit;

public sealed class CallDrainTests
{
    [Test]
    public async Task DrainCompletesWhenTheLastCallEnds()
    {
        var drain = new CallDrain();
        var call = drain.TryEnter();
        Assert.That(call, Is.Not.Null);

        var draining = drain.DrainAsync(TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);
        Assert.That(draining.IsCompleted, Is.False);
        Assert.That(drain.TryEnter(), Is.Null, "no new call may start once draining began");

        call!.Dispose();
        Assert.That(await draining, Is.True);
        Assert.That(drain.ActiveCount, Is.Zero);
    }

    [Test]
    public async Task DrainGivesUpAfterTheTimeout()
    {
        var time = new FakeTimeProvider();
        var drain = new CallDrain();
        using var call = drain.TryEnter();

        var draining = drain.DrainAsync(TimeSpan.FromSeconds(30), time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(draining.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await draining, Is.False);
        Assert.That(drain.ActiveCount, Is.EqualTo(1));
    }

    [Test]
    public async Task DrainWithNoCallsReturnsAtOnce()
    {
        Assert.That(await new CallDrain().DrainAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None), Is.True);
    }
}
