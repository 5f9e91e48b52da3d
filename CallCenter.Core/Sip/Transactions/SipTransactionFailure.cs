namespace CallCenter.Core.Sip.Transactions;

/// <summary>Why a server transaction ended without delivering its final response (§17.2.1, §17.2.4).</summary>
public enum SipTransactionFailure
{
    /// <summary>Timer H: the ACK for a 300-699 never came.</summary>
    Timeout,

    /// <summary>The response could not be sent, on the request's flow nor to the Via sent-by.</summary>
    TransportError,
}
