using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>Why a client transaction ended without a response from the peer.</summary>
public enum SipClientFailure
{
    None,

    /// <summary>Timer B or F fired (RFC 3261 §17.1.1.2, §17.1.2.2): the TU treats it as a 408.</summary>
    Timeout,

    /// <summary>The transport could not send (§17.1.4): the TU treats it as a 503.</summary>
    TransportError,

    /// <summary>The layer stopped (server shutdown) before the transaction ended.</summary>
    Stopped,
}

/// <summary>
/// The end of a client transaction: the final response, or why there is none. <see cref="StatusCode"/> gives the
/// status a TU acts on either way (§8.1.3.1: a timeout counts as 408, a transport error as 503).
/// </summary>
public readonly record struct SipClientResult(SipResponse? Response, SipClientFailure Failure)
{
    public int StatusCode => Response?.StatusCode ?? Failure switch
    {
        SipClientFailure.Timeout => 408,
        SipClientFailure.TransportError => 503,
        _ => 500,
    };

    public static SipClientResult Of(SipResponse response) => new(response, SipClientFailure.None);

    public static SipClientResult Failed(SipClientFailure failure) => new(null, failure);
}
