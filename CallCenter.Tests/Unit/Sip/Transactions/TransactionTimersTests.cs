using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using static CallCenter.Tests.Unit.Sip.Transactions.Wire;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>STYLE §5: a timer's message is honoured only if that arming is still the one in its slot.</summary>
public sealed class TransactionTimersTests
{
    [Test]
    public async Task OnlyTheCurrentArmingOfASlotCountsAndOnlyOnce()
    {
        await using var h = new TransactionHarness(driver: SipShardDriver.Manual);
        var timers = new TransactionTimers(h.Layer, new IdleTransaction(h.Layer.Shards[0]));

        var first = timers.Arm(TimerSlot.Retransmit, SipTimerName.E, TransactionHarness.T1);
        var second = timers.Arm(TimerSlot.Retransmit, SipTimerName.E, TransactionHarness.T2);
        var other = timers.Arm(TimerSlot.Deadline, SipTimerName.F, TransactionHarness.T1 * 64);

        Assert.That(timers.TryClaim(first), Is.False, "re-armed: the first arming is stale");
        Assert.That(timers.TryClaim(second), Is.True);
        Assert.That(timers.TryClaim(second), Is.False, "one-shot: claimed once");
        Assert.That(timers.IsArmed(SipTimerName.F), Is.True, "slots are independent");
        timers.Disarm(TimerSlot.Deadline);
        Assert.That(timers.TryClaim(other), Is.False, "disarmed");
    }

    [Test]
    public async Task OnACoarseClockTimersDueWithinOneStepFireTogetherAtItsEnd()
    {
        // The fake clock's timestamps start at zero, so the 10 ms steps end at 10, 20, ... 510 ms.
        await using var h = new TransactionHarness(clockGranularity: TimeSpan.FromMilliseconds(10));
        h.Advance(TimeSpan.FromMilliseconds(3));
        h.Layer.SendInvite(Outgoing("INVITE", callId: "coarse-1@test"), UdpTarget, new RecordingOwner());
        h.Advance(TimeSpan.FromMilliseconds(4));
        h.Layer.SendInvite(Outgoing("INVITE", callId: "coarse-2@test"), UdpTarget, new RecordingOwner());

        h.Advance(TimeSpan.FromMilliseconds(509) - h.Elapsed);
        Assert.That(h.Sender.Of("INVITE"), Has.Count.EqualTo(2), "Timer A of each (due at 503 and 507 ms) waits for the step's end");

        h.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(h.Sender.Of("INVITE").Select(m => m.At.TotalMilliseconds), Is.EqualTo(new[] { 3, 7, 510, 510 }),
            "both retransmissions go out on the one firing at 510 ms");
    }

    [Test]
    public async Task WithoutAStepEachTimerFiresWhenItIsDue()
    {
        await using var h = new TransactionHarness(clockGranularity: TimeSpan.Zero);
        h.Advance(TimeSpan.FromMilliseconds(3));
        h.Layer.SendInvite(Outgoing("INVITE", callId: "exact-1@test"), UdpTarget, new RecordingOwner());
        h.Advance(TimeSpan.FromMilliseconds(4));
        h.Layer.SendInvite(Outgoing("INVITE", callId: "exact-2@test"), UdpTarget, new RecordingOwner());

        h.Advance(TimeSpan.FromMilliseconds(600) - h.Elapsed);

        Assert.That(h.Sender.Of("INVITE").Select(m => m.At.TotalMilliseconds), Is.EqualTo(new[] { 3, 7, 503, 507 }));
    }

    [Test]
    public void TheSystemClockIsCoarseAndAnyOtherExactUnlessSet()
    {
        var settings = new SipTransactionSettings();
        Assert.That(settings.GranularityOn(TimeProvider.System), Is.EqualTo(TimeSpan.FromMilliseconds(10)));
        Assert.That(settings.GranularityOn(new Support.FakeTimeProvider()), Is.EqualTo(TimeSpan.Zero));
        Assert.That((settings with { ClockGranularity = TimeSpan.FromMilliseconds(20) }).GranularityOn(TimeProvider.System),
            Is.EqualTo(TimeSpan.FromMilliseconds(20)));
    }

    [Test]
    public async Task ADisarmedTimerDoesNotEvenPost()
    {
        await using var h = new TransactionHarness(driver: SipShardDriver.Manual);
        var timers = new TransactionTimers(h.Layer, new IdleTransaction(h.Layer.Shards[0]));
        timers.Arm(TimerSlot.Linger, SipTimerName.K, TransactionHarness.T4);
        timers.DisarmAll();

        h.Advance(TransactionHarness.T4 * 2);

        Assert.That(h.Statistics.QueueDepths.Sum(), Is.Zero);
    }

    [Test]
    public async Task ArmingsDueTogetherFireInTheOrderTheyWereArmedAndEachOnlyOnce()
    {
        await using var h = new TransactionHarness(driver: SipShardDriver.Manual);
        var fired = new List<string>();
        var shard = h.Layer.Shards[0];
        var first = new RecordingTransaction(h.Layer, shard, "first", fired);
        var second = new RecordingTransaction(h.Layer, shard, "second", fired);
        var third = new RecordingTransaction(h.Layer, shard, "third", fired);
        third.Timers.Arm(TimerSlot.Linger, SipTimerName.K, TransactionHarness.T4);
        first.Timers.Arm(TimerSlot.Retransmit, SipTimerName.E, TransactionHarness.T1);
        second.Timers.Arm(TimerSlot.Retransmit, SipTimerName.E, TransactionHarness.T1);

        h.Advance(TransactionHarness.T1);
        h.Layer.PumpAll();
        Assert.That(fired, Is.EqualTo(new[] { "first E", "second E" }), "due together: armed order; the later one waits");

        h.Advance(TransactionHarness.T4);
        h.Layer.PumpAll();
        Assert.That(fired, Is.EqualTo(new[] { "first E", "second E", "third K" }));
        Assert.That(shard.Deadlines.Count, Is.Zero);
    }

    [Test]
    public async Task ADisarmedArmingLetsGoOfItsTransactionAndTheClockMovesOnToTheNext()
    {
        await using var h = new TransactionHarness(driver: SipShardDriver.Manual);
        var fired = new List<string>();
        var shard = h.Layer.Shards[0];
        var early = new RecordingTransaction(h.Layer, shard, "early", fired);
        var late = new RecordingTransaction(h.Layer, shard, "late", fired);
        var disarmed = early.Timers.Arm(TimerSlot.Deadline, SipTimerName.B, TransactionHarness.T1);
        late.Timers.Arm(TimerSlot.Deadline, SipTimerName.B, TransactionHarness.T1 * 4);

        early.Timers.DisarmAll();
        Assert.That(disarmed.Owner, Is.Null, "a stopped arming waiting in the heap must not keep its transaction alive");

        h.Advance(TransactionHarness.T1 * 2);
        Assert.That(h.Statistics.QueueDepths.Sum(), Is.Zero, "nothing was due: the clock was moved to the next deadline, not left on the disarmed one");

        h.Advance(TransactionHarness.T1 * 2);
        h.Layer.PumpAll();
        Assert.That(fired, Is.EqualTo(new[] { "late B" }));
        Assert.That(h.Statistics.StaleTimers, Is.Zero, "disarmed before it was due: not a stale firing");
    }

    private sealed class RecordingTransaction : ISipTransaction
    {
        private readonly string _name;
        private readonly List<string> _fired;

        public RecordingTransaction(SipTransactionLayer layer, SipShard shard, string name, List<string> fired)
        {
            Shard = shard;
            _name = name;
            _fired = fired;
            Timers = new TransactionTimers(layer, this);
        }

        public TransactionTimers Timers { get; }

        public SipTransactionKind Kind => SipTransactionKind.ClientNonInvite;

        public SipShard Shard { get; }

        public SipRequest Request => throw new NotSupportedException();

        public bool IsTerminated => false;

        public SendRoute Route { get; set; }

        public void OnTimer(TransactionTimer timer)
        {
            if (Timers.TryClaim(timer))
            {
                _fired.Add(_name + " " + timer.Name);
            }
        }

        public void OnTransportError(SipSendResult result)
        {
        }
    }

    private sealed class IdleTransaction(SipShard shard) : ISipTransaction
    {
        public SipTransactionKind Kind => SipTransactionKind.ClientNonInvite;

        public SipShard Shard => shard;

        public SipRequest Request => throw new NotSupportedException();

        public bool IsTerminated => false;

        public SendRoute Route { get; set; }

        public void OnTimer(TransactionTimer timer)
        {
        }

        public void OnTransportError(SipSendResult result)
        {
        }
    }
}
