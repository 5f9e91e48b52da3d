namespace CallCenter.Core.Sip.Transactions;

/// <summary>Settings of the transaction layer that are not in callcenter.xml: how its work is spread and queued.</summary>
public sealed record SipTransactionSettings
{
    /// <summary>Serial contexts; each owns the transactions of the Call-IDs that hash to it.</summary>
    public int ShardCount { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Mailbox slots per shard. Network input is admitted up to three quarters of it; the rest is kept
    /// for the work owed to transactions already running (timers, responses of the TU). New INVITEs stop much
    /// earlier (<see cref="SipShard.InviteAdmissionDepth"/>), so the room above that is for the ACKs, BYEs and
    /// responses of calls already set up: at 4,096 those still overflowed at moments of a 3,000 calls/s storm (7,336
    /// dropped in a round, 611-768 calls failed); at 16,384 three rounds of four had no failure (bench/RESULTS.md,
    /// session 11). Slots cost nothing until used.</summary>
    public int QueueCapacity { get; init; } = 16_384;

    /// <summary>Bytes of final responses all shards together may keep for their completed non-INVITE transactions
    /// over UDP (Timer J), split evenly. A REGISTER storm needs them: at 23,000 REGISTERs a second (46,000
    /// transactions, ~480 bytes an answer) 128 MB held 6 s of Timer J, and a client whose 200 was lost and whose
    /// retransmission came after its entry had left was taken as new: its nonce's nc was then a replay, 401 stale,
    /// and SIPp failed 3,000-9,000 of 276,000 registrations. With 512 MB (24 s of that storm) none failed
    /// (bench/RESULTS.md, session 10). The arenas grow only as a storm needs them and are given back after it
    /// (<see cref="CompletedTransactions"/>); the oldest leave early beyond the budget (counted in
    /// <see cref="SipTransactionStatistics.CompletedEvicted"/>).</summary>
    public long CompletedBytes { get; init; } = 512L << 20;

    /// <summary>Each shard's part of <see cref="CompletedBytes"/>.</summary>
    public int CompletedBytesPerShard => (int)Math.Clamp(CompletedBytes / Math.Max(1, ShardCount), 64 * 1024, 1 << 30);

    /// <summary>
    /// How finely a shard's transaction clock is set: a deadline fires at the next multiple of this, so that the
    /// armings due within one step fire together on one wake-up of the timer thread and one drain of the shard.
    /// Without it, thousands of transactions a second, each with its own deadline, woke the timer thread and a
    /// pool thread for nearly every one (2,400 wake-ups a second at 2,000 calls/s). A retransmission 10 ms late
    /// is within what RFC 3261's timers tolerate (Kamailio's run on a 62.5 ms tick). Null: 10 ms on the system
    /// clock, exact on any other (a test's fake clock fires each timer on the tick it is due).
    /// </summary>
    public TimeSpan? ClockGranularity { get; init; }

    /// <summary>The granularity the layer uses on <paramref name="time"/>.</summary>
    internal TimeSpan GranularityOn(TimeProvider time) =>
        ClockGranularity ?? (time == TimeProvider.System ? DefaultClockGranularity : TimeSpan.Zero);

    internal static readonly TimeSpan DefaultClockGranularity = TimeSpan.FromMilliseconds(10);

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
