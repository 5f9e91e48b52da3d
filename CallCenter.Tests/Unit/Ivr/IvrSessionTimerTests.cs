using CallCenter.Core.Ivr;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>The session's one timer against a real system timer's habits: it may fire a little before its due time
/// as the monotonic timestamp counts it (its own clock is coarser), which once left a menu waiting for ever.</summary>
public sealed class IvrSessionTimerTests
{
    private const string Menu = """
        <flow name="main">
          <menu id="menu" prompts="menu" timeout="1" retries="1" timeoutPrompts="timeout" fallback="operator">
            <choice digit="1" next="operator" />
          </menu>
          <extension id="operator" number="2000" />
        </flow>
        """;

    [Test]
    public void ATimerThatFiresEarlyIsWaitedOutAndTheMenuStillTimesOutAndRetries()
    {
        var time = new EarlyTimers(new FakeTimeProvider(), TimeSpan.FromMilliseconds(3));
        var options = IvrTestBed.Parse(Menu);
        var control = new RecordingIvrCallControl();
        using var session = new IvrSession(options, options.FindFlow("main")!, new IvrCall("call-1", "1000", "800"), control,
            new FakeDataDip(), time, NullLogger<IvrSession>.Instance, action => action());
        session.Start();
        session.PromptFinished(control.LastPlaybackId);

        time.Inner.Advance(TimeSpan.FromMilliseconds(998));
        Assert.That(control.Commands, Is.EqualTo(new[] { "play menu" }), "fired 3 ms early, 1 ms before the deadline: not yet");
        time.Inner.Advance(TimeSpan.FromMilliseconds(2));
        Assert.That(control.Last, Is.EqualTo("play timeout+menu"), "the deadline itself");

        session.PromptFinished(control.LastPlaybackId);
        time.Inner.Advance(TimeSpan.FromSeconds(1));
        Assert.That(control.Last, Is.EqualTo("extension 2000"), "the retry timed out too: the fallback");
    }

    /// <summary>Timers due <c>early</c> before what they were asked for, over an unchanged timestamp; a wait not much
    /// longer than that is kept (a coarse clock is off by less than its tick, not by the whole wait).</summary>
    private sealed class EarlyTimers(FakeTimeProvider inner, TimeSpan early) : TimeProvider
    {
        public FakeTimeProvider Inner => inner;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Early(inner.CreateTimer(callback, state, Sooner(dueTime), period), this);

        private TimeSpan Sooner(TimeSpan due) => due == Timeout.InfiniteTimeSpan || due <= early * 2 ? due : due - early;

        private sealed class Early(ITimer timer, EarlyTimers owner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(owner.Sooner(dueTime), period);

            public void Dispose() => timer.Dispose();

            public ValueTask DisposeAsync() => timer.DisposeAsync();
        }
    }
}
