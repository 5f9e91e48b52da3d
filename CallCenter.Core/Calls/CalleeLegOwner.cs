using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Calls;

/// <summary>
/// The owner of the callee's INVITE client transaction on the call's behalf (or on behalf of a queue call's offer to
/// an agent, <see cref="QueueAgentOffer"/>, which is the call's too). The transaction keeps its owner for
/// RFC 6026's Timer M (64·T1 after the 2xx, 32 s) so that a retransmitted 2xx can be ACKed again; if the owner were
/// the <see cref="Call"/>, every ended call would stay in memory that long with everything it held (the caller's
/// INVITE, both dialogs, the SDP). Once the call ends it is detached: what is left is the To-tag of the 2xx the call
/// took and the target, enough to answer a late 2xx with its ACK (§13.2.2.4), and the call itself can be collected.
/// Not the callee's dialog either: a census at 2,000 calls/s found 24,000 dialogs alive for 2,200 calls in progress,
/// each holding its URIs and their strings for 32 s through the collector's young generations; the ACK is rebuilt
/// from the retransmitted 2xx (and the INVITE while the transaction still keeps it), as for an orphan.
/// <para>Threading: the callbacks arrive on the callee's transaction shard; while attached they only post to the
/// call; once detached they send the ACK themselves (stateless, nothing to serialize).</para>
/// </summary>
internal sealed class CalleeLegOwner(ISipInviteOwner call) : ISipInviteOwner
{
    private volatile ISipInviteOwner? _call = call;
    private volatile AckTarget? _afterEnd;

    public void OnProvisional(SipClientInvite invite, SipResponse response) => _call?.OnProvisional(invite, response);

    public void OnSuccess(SipClientInvite invite, SipResponse response)
    {
        if (_call is { } call)
        {
            call.OnSuccess(invite, response);
            return;
        }

        if (_afterEnd is not { } late)
        {
            return;
        }

        if (!invite.TryCreateDialog(response, false, out var dialog, out _))
        {
            return;
        }

        // The same ACK as the call's first (the INVITE's CSeq, the 2xx's Contact and Record-Route).
        _ = late.Invites.SendAckAsync(dialog.CreateAck(dialog.CreatingSequence), late.Target).AsTask();
        if (!string.Equals(response.To?.Tag, late.AnsweredTag, StringComparison.OrdinalIgnoreCase))
        {
            // A 2xx that arrived after the call had ended (it crossed our CANCEL, or another fork answered): the
            // callee now believes in a call nobody will talk on. Hang it up at once (§15, §13.2.2.4). A
            // retransmission of the 2xx the call took needs only its ACK again: the BYE went when the call ended.
            _ = late.Client.SendNonInviteAsync(dialog.CreateRequest(SipMethods.Bye), late.Target);
        }

        dialog.Terminate();
    }

    public void OnFailure(SipClientInvite invite, SipClientResult result) => _call?.OnFailure(invite, result);

    /// <summary>Call context, as the call ends: keeps what a late 2xx needs — the To-tag of the callee's answer if
    /// it answered, and the means to ACK and end one that answers later still.</summary>
    public void Detach(SipDialog? calleeDialog, SipTarget? target, ISipInviteClient invites, ISipClient client)
    {
        _afterEnd = target is not null ? new AckTarget(calleeDialog?.Id.RemoteTag, target, invites, client) : null;
        _call = null;
    }

    private sealed record AckTarget(string? AnsweredTag, SipTarget Target, ISipInviteClient Invites, ISipClient Client);
}
