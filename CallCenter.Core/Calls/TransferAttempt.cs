using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Calls;

/// <summary>
/// A transfer in progress (RFC 3515): who asked for it (the transferor's leg, whose dialog carries the REFER's
/// implicit subscription and our NOTIFYs), who is being moved (the transferee's leg, which stays on its relay side),
/// and the new leg being placed to the target on the transferor's relay side. Also the owner of the target's INVITE
/// client transaction: its callbacks arrive on the SIP shard and only post to the call, which ignores an attempt
/// that is no longer its current one (except to ACK and BYE a late 2xx).
/// </summary>
internal sealed class TransferAttempt(Call call, CallLeg transferor, CallLeg transferee, string target, uint referSequence) : ISipInviteOwner
{
    public CallLeg Transferor { get; } = transferor;

    public CallLeg Transferee { get; } = transferee;

    /// <summary>The extension the transferor asked for.</summary>
    public string Target { get; } = target;

    /// <summary>The REFER's CSeq number: the id of the implicit subscription's Event header (RFC 3515 §2.4.6).</summary>
    public uint ReferSequence { get; } = referSequence;

    /// <summary>The transferor hung up before the outcome: no final NOTIFY, and a failure ends the call.</summary>
    public bool TransferorGone { get; set; }

    public string? Channel { get; set; }

    public SipClientInvite? Invite { get; set; }

    public SipTarget? InviteTarget { get; set; }

    public SipFlow? ContactFlow { get; set; }

    public SdpSessionDescription? Offer { get; set; }

    public SdpSessionVersion? Version { get; set; }

    /// <summary>The target's extension took one of its call-limit slots, given back when the call ends.</summary>
    public bool HoldsSlot { get; set; }

    public ITimer? RingTimer { get; set; }

    public bool TimedOut { get; set; }

    public void OnProvisional(SipClientInvite invite, SipResponse response)
    {
    }

    public void OnSuccess(SipClientInvite invite, SipResponse response) => call.Post(() => call.OnTransferTargetAnswered(this, response));

    public void OnFailure(SipClientInvite invite, SipClientResult result) => call.Post(() => call.OnTransferTargetFailed(this, result));
}
