using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Calls;

/// <summary>
/// One offer of a queue call to an agent's extension: the phones rung for it (a <see cref="CalleeFork"/>, so an agent
/// with a desk phone and a softphone rings on both), and once one answered, its dialog, waiting for the ACD to
/// connect it. A ring-all queue has several of these at once on one call.
/// <para>Threading: the state is touched only on the owning call's context. As the fork's branches' owner (through
/// <see cref="CalleeLegOwner"/>) it receives the phones' responses on SIP shards and only posts them to the call.</para>
/// </summary>
internal sealed class QueueAgentOffer(Call call, long offerId, string extension, bool direct) : ISipInviteOwner
{
    /// <summary>The ACD's offer id; 0 for a <see cref="Direct"/> one, which the ACD does not know.</summary>
    public long OfferId { get; } = offerId;

    public string Extension { get; } = extension;

    /// <summary>Rung by the call itself, not the ACD (an overflow to an extension): connected as soon as it answers.</summary>
    public bool Direct { get; } = direct;

    public QueueAgentOfferState State { get; set; }

    public CalleeFork? Fork { get; set; }

    public SipClientInvite? Invite { get; set; }

    public SipTarget? Target { get; set; }

    public SipDialog? Dialog { get; set; }

    public SdpMediaSelection? Selection { get; set; }

    /// <summary>The extension's call-limit slot, held from the INVITE until the offer ends or its call does.</summary>
    public bool HoldsSlot { get; set; }

    public ITimer? RingTimer { get; set; }

    public void OnProvisional(SipClientInvite invite, SipResponse response)
    {
        // The caller was answered by the server and hears the queue, not the agent's ringing or early media.
    }

    public void OnSuccess(SipClientInvite invite, SipResponse response) => call.Post(() => call.OnAgentAnswered(this, invite, response));

    public void OnFailure(SipClientInvite invite, SipClientResult result) => call.Post(() => call.OnAgentFailed(this, invite, result));
}

internal enum QueueAgentOfferState
{
    Ringing,

    /// <summary>A phone answered and was acknowledged; the ACD has been told and its connect is awaited.</summary>
    Answered,

    /// <summary>The agent hung up after answering, before the ACD's connect came.</summary>
    HungUp,

    Connected,

    /// <summary>Stopped from our side before it was connected; an answer still on its way is hung up.</summary>
    Withdrawn,
}
