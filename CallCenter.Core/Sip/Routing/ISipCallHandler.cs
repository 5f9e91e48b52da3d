using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Routing;

/// <summary>
/// What the dispatcher hands the call layer (the B2BUA of the Calls namespace, which sits above routing and
/// implements this). All four run on the transaction shard of the request's Call-ID and must only look up and post.
/// </summary>
public interface ISipCallHandler
{
    /// <summary>A new INVITE whose caller authenticated as <paramref name="caller"/>; the handler answers it.</summary>
    void OnInvite(SipServerTransaction invite, UserOptions caller);

    /// <summary>A request with a To-tag: true when it belongs to one of the handler's dialogs and was taken.</summary>
    bool TryHandleInDialog(SipServerTransaction transaction);

    /// <summary>An ACK for a 2xx (outside any transaction): true when one of the handler's dialogs took it.</summary>
    bool OnAck(SipRequest ack, SipFlow flow);

    /// <summary>The layer matched a CANCEL to this INVITE and answered the CANCEL; the handler ends the INVITE.</summary>
    void OnCancel(SipServerTransaction invite);
}
