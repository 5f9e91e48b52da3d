using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

public sealed partial class SipTransactionLayer
{
    /// <summary>Once a sweep has run, the next waits at least this long: entries arrive continuously under load, and
    /// expiring them in batches costs one timer message per batch rather than one per entry. Timer J is a lower
    /// bound (§17.2.2: the transaction stays at least 64·T1), so a little late is within the RFC.</summary>
    private static readonly TimeSpan SweepBatch = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Shard: a server transaction over UDP, filed under an RFC 3261 key, has nothing left to do but absorb
    /// retransmissions: a non-INVITE one that sent its final response (or was discarded, <paramref name="silenced"/>),
    /// an INVITE one that got the ACK for its 300-699 (Confirmed, Timer I) or for its 2xx (Accepted, the rest of
    /// Timer L). It leaves the transaction table and the rest of its lingering is kept in the shard's
    /// <see cref="CompletedTransactions"/>; it still counts as alive until then.
    /// </summary>
    internal void KeepCompleted(ServerTransaction transaction, ReadOnlySpan<byte> finalResponse, TimeSpan linger, bool silenced)
    {
        var shard = transaction.Shard;
        var key = transaction.Key!.Value;
        if (shard.Servers.Remove(key, out var filed) && !ReferenceEquals(filed, transaction))
        {
            shard.Servers[key] = filed;
        }

        var now = Time.GetTimestamp();
        var due = now + (long)(linger.TotalSeconds * Time.TimestampFrequency);
        shard.Completed.Add(CompletedTransactions.KeyOf(key.Branch, key.SentBy, key.Method), finalResponse, transaction.Flow, due, silenced, transaction.Kind);
        ArmSweep(shard, now, TimeSpan.Zero);
    }

    /// <summary>Shard: a request that matches a completed transaction is a retransmission (§17.2.1, §17.2.2): it
    /// gets the final response again, or nothing if the transaction was discarded or is an INVITE's that has had its
    /// ACK (an ACK repeated then is absorbed too). False when nothing matches.</summary>
    private bool TryAbsorbCompleted(SipShard shard, SipRequest request)
    {
        var via = request.TopVia!;
        if (shard.Completed.Count == 0 || !via.HasRfc3261Branch)
        {
            return false;
        }

        // An ACK belongs to its INVITE's transaction (§17.2.3).
        var method = request.IsMethod(SipMethods.Ack) ? SipMethods.Invite : request.Method;
        var key = CompletedTransactions.KeyOf(via.Branch!, via.SentBy, method);
        if (!shard.Completed.TryFind(key, via.Branch!, out var response, out var flow, out var silenced))
        {
            return false;
        }

        SipTransactionLog.Absorbed(_logger, request.Method, request.CallId!);
        TransactionCounters.RetransmissionAbsorbed();
        if (!silenced)
        {
            TransactionCounters.RetransmissionSent();
            Transmit(null, response, new SendRoute(flow, flow.Transport, null, null));
        }

        return true;
    }

    /// <summary>Shard: sets the Unanswered guard of a non-INVITE server transaction (64·T1, like Timer F of its
    /// client); the returned ticket clears it.</summary>
    internal long SetGuard(ServerTransaction transaction, TimeSpan after)
    {
        var now = Time.GetTimestamp();
        var ticket = transaction.Shard.Guards.Add(transaction, now + (long)(after.TotalSeconds * Time.TimestampFrequency));
        ArmSweep(transaction.Shard, now, TimeSpan.Zero);
        return ticket;
    }

    /// <summary>Shard: the sweep timer fired; expired entries end, and guards that ran out fire.</summary>
    private void Sweep(SipShard shard)
    {
        shard.SweepArmed = false;
        var now = Time.GetTimestamp();
        shard.Completed.RemoveDue(now);

        var expired = new List<ServerTransaction>();
        shard.Guards.RemoveDue(now, expired);
        foreach (var transaction in expired)
        {
            transaction.OnGuardExpired();
        }

        ArmSweep(shard, now, SweepBatch);
    }

    private void ArmSweep(SipShard shard, long now, TimeSpan minimum)
    {
        var hasCompleted = shard.Completed.TryGetNextDue(out var completedDue);
        var hasGuard = shard.Guards.TryGetNextDue(out var guardDue);
        if (shard.SweepArmed || IsStopping || !(hasCompleted || hasGuard))
        {
            return;
        }

        var due = hasCompleted && hasGuard ? Math.Min(completedDue, guardDue) : hasCompleted ? completedDue : guardDue;

        var delay = due > now ? Time.GetElapsedTime(now, due) : TimeSpan.Zero;
        shard.SweepArmed = true;
        shard.SweepTimer ??= Time.CreateTimer(static state => ((SipShard)state!).PostSweep(), shard, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        shard.SweepTimer.Change(delay < minimum ? minimum : delay, Timeout.InfiniteTimeSpan);
    }
}
