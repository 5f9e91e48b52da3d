using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

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
        shard.Completed.Add(CompletedTransactions.KeyOf(key.Branch, key.SentBy, key.Method), finalResponse, transaction.Flow, due, silenced, transaction.Kind, now);
        ArmSweep(shard, now, TimeSpan.Zero);
    }

    /// <summary>
    /// Shard: a client transaction that has nothing left to send and waits out its lingering timer — an INVITE in
    /// Accepted (the rest of Timer M), a non-INVITE in Completed over UDP (Timer K) — leaves the transaction table
    /// for <paramref name="store"/>, keeping only its key and, for an INVITE, its <paramref name="owner"/> and
    /// <paramref name="invite"/> handle. It still counts as alive until the entry leaves.
    /// </summary>
    internal void KeepLingering(ClientTransaction transaction, LingeringClients store, TimeSpan linger, ISipInviteOwner? owner = null, SipClientInvite? invite = null)
    {
        var shard = transaction.Shard;
        if (shard.Clients.Remove(transaction.Key, out var filed) && !ReferenceEquals(filed, transaction))
        {
            shard.Clients[transaction.Key] = filed;
        }

        var now = Time.GetTimestamp();
        var due = now + (long)(Math.Max(0, linger.TotalSeconds) * Time.TimestampFrequency);
        store.Add(LingeringClients.KeyOf(transaction.Key.Branch, transaction.Key.Method), due, transaction.Kind, owner, invite);
        ArmSweep(shard, now, TimeSpan.Zero);
    }

    /// <summary>Shard: a response for a lingering client transaction (§17.1.3's key): a 2xx to an INVITE goes to its
    /// owner (RFC 6026 §7.2: each one needs its ACK), anything else is a retransmission and absorbed. False when
    /// nothing matches.</summary>
    private bool TryAbsorbLingering(SipShard shard, SipResponse response, string branch)
    {
        var method = response.CSeq!.Value.Method;
        var isInvite = string.Equals(method, SipMethods.Invite, StringComparison.Ordinal);
        var store = isInvite ? shard.AcceptedInvites : shard.CompletedNonInvites;
        if (store.Count == 0 || !store.TryFind(LingeringClients.KeyOf(branch, method), out var owner, out var invite))
        {
            return false;
        }

        if (isInvite && response.IsSuccess && owner is not null && invite is not null)
        {
            Notify(SipTransactionKind.ClientInvite + " owner", () => owner.OnSuccess(invite, response), response.CallId);
            return true;
        }

        TransactionCounters.RetransmissionAbsorbed();
        return true;
    }

    /// <summary>Shard: a request that matches a completed transaction is a retransmission (§17.2.1, §17.2.2): it
    /// gets the final response again, or nothing if the transaction was discarded or is an INVITE's that has had its
    /// ACK (an ACK repeated then is absorbed too). False when nothing matches.</summary>
    private bool TryAbsorbCompleted(SipShard shard, SipRequest request, long arrivedAt)
    {
        var via = request.TopVia!;
        if (shard.Completed.Count == 0 || !via.HasRfc3261Branch)
        {
            return false;
        }

        // An ACK belongs to its INVITE's transaction (§17.2.3).
        var method = request.IsMethod(SipMethods.Ack) ? SipMethods.Invite : request.Method;
        var key = CompletedTransactions.KeyOf(via.Branch!, via.SentBy, method);
        if (!shard.Completed.TryFind(key, via.Branch!, out var found))
        {
            return false;
        }

        SipTransactionLog.Absorbed(_logger, request.Method, request.CallId!);
        Resend(found, arrivedAt);
        return true;
    }

    /// <summary>Shard: <see cref="TryAbsorbCompleted"/> before the parser, for a non-INVITE request whose key
    /// <see cref="SipRetransmissionScanner"/> could read from its bytes: the same counting and the same answer,
    /// without the parse. False sends the message down the ordinary path.</summary>
    private bool TryAbsorbUnparsed(SipShard shard, ReadOnlySpan<byte> bytes, long arrivedAt)
    {
        if (shard.Completed.Count == 0 || !SipRetransmissionScanner.TryScan(bytes, out var method, out var branch, out var sentBy)
            || !shard.Completed.TryFind(CompletedTransactions.KeyOf(branch, sentBy, method), branch, out var found))
        {
            return false;
        }

        Counters.RequestReceived(method);
        if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Trace))
        {
            SipTransactionLog.Absorbed(_logger, method, System.Text.Encoding.UTF8.GetString(SipCallIdScanner.Find(bytes)));
        }

        Resend(found, arrivedAt);
        return true;
    }

    // A completed transaction's answer to a retransmission: its final response again, or nothing if it was discarded.
    // A non-INVITE request that reached the host before that response left was retransmitted while the transaction
    // was still Trying, from the client's side of it, and §17.2.2 absorbs those without an answer: the response on its
    // way answers it, and if that is lost the client's next retransmission, arriving after, gets it again. In a storm
    // most retransmissions are of this kind (they queued behind the backlog), and answering each doubled the
    // responses both sides had to send and read.
    private void Resend(CompletedTransactions.Found found, long arrivedAt)
    {
        TransactionCounters.RetransmissionAbsorbed();
        if (found.Silenced)
        {
            return;
        }

        if (found.Kind == SipTransactionKind.ServerNonInvite && arrivedAt < found.KeptAt)
        {
            TransactionCounters.RetransmissionBeforeAnswer();
            return;
        }

        TransactionCounters.RetransmissionSent();
        Transmit(null, found.Response, new SendRoute(found.Flow, found.Flow.Transport, null, null));
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
        shard.AcceptedInvites.RemoveDue(now);
        shard.CompletedNonInvites.RemoveDue(now);

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
        if (shard.SweepArmed || IsStopping)
        {
            return;
        }

        var due = long.MaxValue;
        foreach (var next in (ReadOnlySpan<(bool Has, long Due)>)[
            (shard.Completed.TryGetNextDue(out var completedDue), completedDue),
            (shard.Guards.TryGetNextDue(out var guardDue), guardDue),
            (shard.AcceptedInvites.TryGetNextDue(out var acceptedDue), acceptedDue),
            (shard.CompletedNonInvites.TryGetNextDue(out var nonInviteDue), nonInviteDue)])
        {
            if (next.Has && next.Due < due)
            {
                due = next.Due;
            }
        }

        if (due == long.MaxValue)
        {
            return;
        }

        var delay = due > now ? Time.GetElapsedTime(now, due) : TimeSpan.Zero;
        shard.SweepArmed = true;
        shard.SweepTimer ??= Time.CreateTimer(static state => ((SipShard)state!).PostSweep(), shard, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        shard.SweepTimer.Change(delay < minimum ? minimum : delay, Timeout.InfiniteTimeSpan);
    }
}
