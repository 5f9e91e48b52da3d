using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Whoever sent an INVITE through <see cref="ISipInviteClient.SendInvite"/> (a B2BUA leg, the dialog layer). The three
/// calls run on the transaction layer's serial context for the INVITE's Call-ID, in the order the responses arrived,
/// and must not block: hand them to the owner's own mailbox. <see cref="OnFailure"/> is the last call; after it, and
/// 64·T1 after the first <see cref="OnSuccess"/> (RFC 6026 Timer M), nothing more comes.
/// </summary>
public interface ISipInviteOwner
{
    /// <summary>A 101-199 (a 100 too: it tells the owner the INVITE got somewhere).</summary>
    void OnProvisional(SipClientInvite invite, SipResponse response);

    /// <summary>
    /// Every 2xx, retransmissions and the 2xx of other forks included (RFC 6026 §7.2): each one needs its own ACK,
    /// which the owner sends with <see cref="ISipInviteClient.SendAckAsync"/> (§13.2.2.4), and a 2xx with a new
    /// To tag is a new dialog (§13.2.2.4, §12.1.2).
    /// </summary>
    void OnSuccess(SipClientInvite invite, SipResponse response);

    /// <summary>
    /// The INVITE failed: a 300-699 (already ACKed by the transaction, §17.1.1.3) in <see cref="SipClientResult.Response"/>,
    /// or no final response — Timer B, a transport error, 64·T1 after a CANCEL with no answer (§9.1), or the layer
    /// stopping. Called at most once, and never after a 2xx.
    /// </summary>
    void OnFailure(SipClientInvite invite, SipClientResult result);
}
