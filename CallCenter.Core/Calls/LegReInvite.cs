using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Calls;

/// <summary>
/// A re-INVITE the server sends on one leg (to relay the other party's hold or resume): the offer it carries, the
/// direction that offer asked for, and the owner of its client transaction. The callbacks arrive on the SIP shard
/// and only post to the call; the call compares the leg's current re-INVITE with this one, so a late response to
/// an abandoned re-INVITE changes nothing but its ACK.
/// </summary>
internal sealed class LegReInvite(Call call, CallLeg leg, SdpSessionDescription offer, SdpDirection direction) : ISipInviteOwner
{
    public CallLeg Leg { get; } = leg;

    public SdpSessionDescription Offer { get; } = offer;

    public SdpDirection Direction { get; } = direction;

    public void OnProvisional(SipClientInvite invite, SipResponse response)
    {
    }

    public void OnSuccess(SipClientInvite invite, SipResponse response) => call.Post(() => call.OnReInviteAnswered(this, response));

    public void OnFailure(SipClientInvite invite, SipClientResult result) => call.Post(() => call.OnReInviteFailed(this, result));
}
