using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// How the B2BUA and the dialog layer place calls: INVITE client transactions (RFC 3261 §17.1.1 with RFC 6026) and
/// the ACK for a 2xx, which is not part of any transaction (§13.2.2.4, §17.1.1.3). As with <see cref="ISipClient"/>,
/// requests are built without a Via; the layer adds it, and the builder is the layer's once handed over.
/// </summary>
public interface ISipInviteClient
{
    /// <summary>
    /// Starts an INVITE client transaction. Returns at once; the outcome reaches <paramref name="owner"/>. Safe from
    /// any thread. Throws <see cref="ArgumentException"/> for a builder that is not a complete INVITE (a caller bug).
    /// </summary>
    SipClientInvite SendInvite(SipMessageBuilder invite, SipTarget target, ISipInviteOwner owner);

    /// <summary>
    /// Sends an ACK for a 2xx once, statelessly, with a Via of its own (a fresh branch: §17.1.1.3 makes it a
    /// transaction of its own). The owner repeats it for every retransmitted 2xx. Safe from any thread.
    /// </summary>
    ValueTask<SipSendResult> SendAckAsync(SipMessageBuilder ack, SipTarget target);
}
