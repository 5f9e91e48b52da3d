using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The transaction user (RFC 3261 §8.2, §17): what the server does with a request once the transaction layer has
/// absorbed retransmissions and matched CANCELs. All three calls run on the transaction layer's serial context for
/// the request's Call-ID (requests of one call arrive in order, calls run concurrently) and must not block: answer
/// at once, or hand the transaction to the owner's own mailbox and answer from there (Respond is thread-safe).
/// </summary>
public interface ISipRequestHandler
{
    /// <summary>A new request that is not a retransmission, a CANCEL or an ACK. The handler must see that
    /// <see cref="SipServerTransaction.Respond"/> is eventually called with a final response.</summary>
    void OnRequest(SipServerTransaction transaction);

    /// <summary>
    /// §9.2: a CANCEL matched <paramref name="invite"/>. The layer has already answered the CANCEL with 200; if the
    /// INVITE has no final response yet the handler should stop ringing and answer it with 487.
    /// </summary>
    void OnCancel(SipServerTransaction invite);

    /// <summary>An ACK the layer does not consume: the ACK for a 2xx (§13.2.2.4, RFC 6026 §8.2), which belongs to the dialog.</summary>
    void OnAck(SipRequest ack, SipFlow flow);

    /// <summary>
    /// §17.2.1 and §17.2.4 ask the transaction to tell its TU when it fails: Timer H fired (the ACK for a 300-699 never
    /// came) or the final response could not be sent. A dialog waiting on a 2xx it sent learns that the call is gone.
    /// Optional: most handlers have nothing to do.
    /// </summary>
    void OnTransactionFailed(SipServerTransaction transaction, SipTransactionFailure failure)
    {
    }
}
