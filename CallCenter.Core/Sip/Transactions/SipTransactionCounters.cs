namespace CallCenter.Core.Sip.Transactions;

/// <summary>The transaction layer's counters, bumped with Interlocked from every shard; read by
/// <see cref="SipTransactionLayer.Statistics"/>.</summary>
internal sealed class SipTransactionCounters
{
    private readonly int[] _alive = new int[4];
    private long _retransmissionsSent;
    private long _retransmissionsAbsorbed;
    private long _retransmissionsBeforeAnswer;
    private long _invitesDeferred;
    private long _timeouts;
    private long _transportErrors;
    private long _strayResponses;
    private long _staleTimers;
    private long _unanswered;

    public void Created(SipTransactionKind kind) => Interlocked.Increment(ref _alive[(int)kind]);

    public void Ended(SipTransactionKind kind) => Interlocked.Decrement(ref _alive[(int)kind]);

    public int Alive(SipTransactionKind kind) => Volatile.Read(ref _alive[(int)kind]);

    public void RetransmissionSent() => Interlocked.Increment(ref _retransmissionsSent);

    public void RetransmissionAbsorbed() => Interlocked.Increment(ref _retransmissionsAbsorbed);

    public void RetransmissionBeforeAnswer() => Interlocked.Increment(ref _retransmissionsBeforeAnswer);

    public void InviteDeferred() => Interlocked.Increment(ref _invitesDeferred);

    public void Timeout() => Interlocked.Increment(ref _timeouts);

    public void TransportError() => Interlocked.Increment(ref _transportErrors);

    public void StrayResponse() => Interlocked.Increment(ref _strayResponses);

    public void StaleTimer() => Interlocked.Increment(ref _staleTimers);

    public void Unanswered() => Interlocked.Increment(ref _unanswered);

    public SipTransactionStatistics Snapshot(IReadOnlyList<SipShard> shards) => new()
    {
        ServerInviteAlive = Alive(SipTransactionKind.ServerInvite),
        ServerNonInviteAlive = Alive(SipTransactionKind.ServerNonInvite),
        ClientInviteAlive = Alive(SipTransactionKind.ClientInvite),
        ClientNonInviteAlive = Alive(SipTransactionKind.ClientNonInvite),
        RetransmissionsSent = Interlocked.Read(ref _retransmissionsSent),
        RetransmissionsAbsorbed = Interlocked.Read(ref _retransmissionsAbsorbed),
        RetransmissionsBeforeAnswer = Interlocked.Read(ref _retransmissionsBeforeAnswer),
        Timeouts = Interlocked.Read(ref _timeouts),
        TransportErrors = Interlocked.Read(ref _transportErrors),
        StrayResponses = Interlocked.Read(ref _strayResponses),
        StaleTimers = Interlocked.Read(ref _staleTimers),
        Unanswered = Interlocked.Read(ref _unanswered),
        CompletedEvicted = shards.Sum(s => s.Completed.Evicted),
        CompletedBytes = shards.Sum(s => s.Completed.BytesHeld),
        LingeringEvicted = shards.Sum(s => s.AcceptedInvites.Evicted + s.CompletedNonInvites.Evicted),
        QueueDepths = shards.Select(s => s.Depth).ToArray(),
        QueueDrops = shards.Sum(s => s.Dropped),
        InvitesDeferred = Interlocked.Read(ref _invitesDeferred),
    };
}
