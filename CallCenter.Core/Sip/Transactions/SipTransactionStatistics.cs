namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// A snapshot of the transaction layer for the console and /healthz. Alive counts are transactions not yet
/// terminated; the others count since start. Request and response counts by method and class are in
/// <see cref="SipCounters"/>.
/// </summary>
public sealed record SipTransactionStatistics
{
    public int ServerInviteAlive { get; init; }
    public int ServerNonInviteAlive { get; init; }
    public int ClientInviteAlive { get; init; }
    public int ClientNonInviteAlive { get; init; }

    /// <summary>Requests and responses sent again: timer-driven (A, E, G), in answer to a retransmitted request,
    /// ACKs repeated for a retransmitted final response, and 2xx the TU retransmits through an Accepted INVITE.</summary>
    public long RetransmissionsSent { get; init; }

    /// <summary>Retransmitted requests and responses a transaction took without bothering the TU.</summary>
    public long RetransmissionsAbsorbed { get; init; }

    /// <summary>Of those, non-INVITE requests that reached the host before the final response left (they waited in
    /// the socket buffer behind a backlog): absorbed without sending the response again (§17.2.2, Trying).</summary>
    public long RetransmissionsBeforeAnswer { get; init; }

    /// <summary>Timers B, F and H, and the CANCEL guard.</summary>
    public long Timeouts { get; init; }

    public long TransportErrors { get; init; }

    /// <summary>Responses matching no client transaction (§17.1.3, RFC 6026 §7.3): dropped.</summary>
    public long StrayResponses { get; init; }

    /// <summary>Timer messages that arrived after their timer was re-armed or their transaction ended.</summary>
    public long StaleTimers { get; init; }

    /// <summary>Non-INVITE requests the TU had not answered when their client's Timer F had surely fired (64·T1):
    /// nobody waits for the answer any more, so they were dropped (RFC 4320 §4.1 forbids a 408). See
    /// <see cref="GuardDeadlines"/>.</summary>
    public long Unanswered { get; init; }

    /// <summary>Completed non-INVITE transactions over UDP that left before Timer J because their shard's response
    /// store was full: a retransmission of theirs would be taken as a new request.</summary>
    public long CompletedEvicted { get; init; }

    /// <summary>Bytes of final responses held for completed non-INVITE transactions over UDP, all shards.</summary>
    public long CompletedBytes { get; init; }

    /// <summary>Answered INVITE and completed non-INVITE client transactions that left before Timer M or K because
    /// their shard's store was full (<see cref="LingeringClients"/>): a response for one is then a stray.</summary>
    public long LingeringEvicted { get; init; }

    /// <summary>Items waiting in each shard's mailbox now.</summary>
    public IReadOnlyList<int> QueueDepths { get; init; } = [];

    /// <summary>Items refused by full shard mailboxes since start (datagrams, mostly: their senders retransmit).</summary>
    public long QueueDrops { get; init; }

    /// <summary>New INVITEs left unread because their shard's mailbox was half full (their callers send them again
    /// after T1), so that the messages of calls already running are not the ones dropped.</summary>
    public long InvitesDeferred { get; init; }
}
