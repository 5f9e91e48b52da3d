using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

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
    public async Task ADisarmedTimerDoesNotEvenPost()
    {
        await using var h = new TransactionHarness(driver: SipShardDriver.Manual);
        var timers = new TransactionTimers(h.Layer, new IdleTransaction(h.Layer.Shards[0]));
        timers.Arm(TimerSlot.Linger, SipTimerName.K, TransactionHarness.T4);
        timers.DisarmAll();

        h.Advance(TransactionHarness.T4 * 2);

        Assert.That(h.Statistics.QueueDepths.Sum(), Is.Zero);
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
