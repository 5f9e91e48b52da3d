using CallCenter.Media.Diagnostics;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Keeps a repeated Warning or Error from flooding the log: per kind, the 1st, 10th, 100th, ... occurrence is logged
/// with the running count, which the counters have exactly. Lock-free; any thread.
/// </summary>
internal sealed class SipTransactionLogGate : DecadeLogGate<SipTransactionLogGate.Kind>
{
    public enum Kind
    {
        ShardFull,
        InviteDeferred,
        WorkNotQueued,
        Unanswered,
        NoListener,
    }
}
