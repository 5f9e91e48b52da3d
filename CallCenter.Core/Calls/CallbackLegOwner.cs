using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Calls;

/// <summary>
/// The owner of a callback's INVITE to one of the caller's phones (wrapped in a <see cref="CalleeLegOwner"/>, which
/// outlives the call for late 2xx). The phone's ringing means nothing to anyone: the caller is the one being rung.
/// <para>Threading: the callbacks arrive on the INVITE's transaction shard and only post to the call.</para>
/// </summary>
internal sealed class CallbackLegOwner(Call call) : ISipInviteOwner
{
    public void OnProvisional(SipClientInvite invite, SipResponse response)
    {
    }

    public void OnSuccess(SipClientInvite invite, SipResponse response) => call.Post(() => call.OnCallbackAnswered(invite, response));

    public void OnFailure(SipClientInvite invite, SipClientResult result) => call.Post(() => call.OnCallbackRefused(invite, result));
}
