namespace CallCenter.Core.Sip.Transactions;

/// <summary>Settings of the transaction layer that are not in callcenter.xml: how its work is spread and queued.</summary>
public sealed record SipTransactionSettings
{
    /// <summary>Serial contexts; each owns the transactions of the Call-IDs that hash to it.</summary>
    public int ShardCount { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Mailbox slots per shard. Network input is admitted up to three quarters of it; the rest is kept
    /// for the work owed to transactions already running (timers, responses of the TU).</summary>
    public int QueueCapacity { get; init; } = 4_096;

    /// <summary>Bytes of final responses each shard keeps for its completed non-INVITE transactions over UDP
    /// (Timer J). At 64 MB a shard holds the full 32 s for about 4,500 answered requests a second; beyond that the
    /// oldest leave early (counted in <see cref="SipTransactionStatistics.CompletedEvicted"/>).</summary>
    public int CompletedBytesPerShard { get; init; } = 64 << 20;

    /// <summary>Tests only: who runs the shards (see <see cref="SipShardDriver"/>).</summary>
    internal SipShardDriver Driver { get; init; } = SipShardDriver.Threads;
}

/// <summary>How shard mailboxes are consumed.</summary>
internal enum SipShardDriver
{
    /// <summary>One consumer task per shard (production).</summary>
    Threads,

    /// <summary>Nothing runs until the test calls <c>Pump</c>: lets a test fill a mailbox or order work by hand.</summary>
    Manual,

    /// <summary>Work runs on the posting thread at once: with a fake clock every timer and send is deterministic.</summary>
    Inline,
}
