using CallCenter.Media.Diagnostics;

namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// Keeps a flood of bad packets from becoming a flood of log lines: for each kind, the 1st, 10th, 100th, ...
/// occurrence is logged with the running count; the exact totals live in the counters.
/// </summary>
internal sealed class SipLogGate : DecadeLogGate<SipLogGate.Kind>
{
    public enum Kind
    {
        OversizeDatagram,
        UdpReceiveError,
        HandlerFault,
        ConnectionRejected,
        ClosedIdle,
        ClosedPartialTimeout,
        ClosedOversize,
        ClosedMalformed,
        ClosedTlsHandshake,
        ClosedWriteStalled,
    }
}
