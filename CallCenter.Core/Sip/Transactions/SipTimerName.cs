namespace CallCenter.Core.Sip.Transactions;

/// <summary>The timers of RFC 3261 §17 (Table 4) and RFC 6026, plus the two guards this layer adds.</summary>
internal enum SipTimerName
{
    A,
    B,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    L,
    M,

    /// <summary>An INVITE the TU has not answered at all after <see cref="SipTransactionLayer.InviteAnswerLimit"/>: a
    /// TU bug (the call layer answers every INVITE within its ring timeout). The layer answers 500 so that the caller
    /// is not left in Proceeding forever and the transaction's memory is bounded.</summary>
    InviteUnanswered,

    /// <summary>§9.1: a CANCEL was sent and no final response to the INVITE came within 64·T1.</summary>
    CancelGuard,

    /// <summary>A discarded server transaction has absorbed retransmissions for 64·T1, as long as its client tries.</summary>
    Discarded,

    /// <summary>An INVITE client transaction in Accepted has given its owner the 2xx long since: it keeps only the bytes
    /// of its INVITE for the rest of Timer M.</summary>
    AcceptedTrim,
}

/// <summary>A transaction runs at most three timers at once, each in its own role, so each role has one slot.</summary>
internal enum TimerSlot
{
    /// <summary>A, E, G: retransmission.</summary>
    Retransmit,

    /// <summary>B, F, H, L, M and the guards: the transaction's deadline in its current state.</summary>
    Deadline,

    /// <summary>D, I, J, K, and the trim in Accepted: how long the transaction lingers to absorb retransmissions.</summary>
    Linger,
}
