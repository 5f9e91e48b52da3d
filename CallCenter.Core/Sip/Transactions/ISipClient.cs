using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// How the layers above the transaction layer (the registrar's qualify, B2BUA legs) send a request the server
/// originates. The caller builds the request without a Via: the transaction layer adds the top Via (sent-by of the
/// listener the request leaves by, a fresh RFC 3261 branch, rport) and owns retransmission and timeouts (§17.1).
/// </summary>
public interface ISipClient
{
    /// <summary>
    /// Runs a non-INVITE client transaction (§17.1.2) and completes with its final response, a timeout (Timer F)
    /// or a transport error. Provisional responses are absorbed. The task never faults for network reasons.
    /// </summary>
    Task<SipClientResult> SendNonInviteAsync(SipMessageBuilder request, SipTarget target, CancellationToken cancellationToken = default);
}
