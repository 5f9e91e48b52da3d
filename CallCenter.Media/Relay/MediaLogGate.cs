using CallCenter.Media.Diagnostics;

namespace CallCenter.Media.Relay;

/// <summary>
/// Keeps a flood of bad packets from becoming a flood of log lines (as the SIP transport's gate does): for each
/// kind, the 1st, 10th, 100th, ... occurrence across all relays is logged with the running count; exact numbers
/// live in the counters.
/// </summary>
internal sealed class MediaLogGate : DecadeLogGate<MediaLogGate.Kind>
{
    public enum Kind
    {
        Garbage,
        ForeignSource,
        ReceiveError,
        ObserverFault,
        SendFailure,
        RtcpGarbage,
        BindFailure,
        SocketBudget,
    }
}
