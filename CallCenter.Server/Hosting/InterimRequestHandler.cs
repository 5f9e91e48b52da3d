using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Server.Hosting;

/// <summary>
/// The transaction user until the real request dispatcher lands: what the stateless responder answered before the
/// transaction layer existed. OPTIONS gets 200 with the capabilities (§11: the server answers capability queries
/// itself), everything else 501; a CANCELled INVITE gets its 487 (§9.2); ACKs for 2xx have no dialog to go to.
/// Runs on the transaction layer's shard and answers at once, as ISipRequestHandler asks.
/// </summary>
public sealed class InterimRequestHandler(ILiveConfiguration configuration) : ISipRequestHandler
{
    private const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, REFER, NOTIFY, INFO, UPDATE";

    public void OnRequest(SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var isOptions = transaction.Request.IsMethod(SipMethods.Options);
        var response = transaction.CreateResponse(isOptions ? 200 : 501);
        response.AddHeader("Server", configuration.Current.Sip.UserAgent);
        if (isOptions)
        {
            response.AddHeader("Allow", AllowedMethods);
            response.AddHeader("Accept", "application/sdp");
            response.AddHeader("Supported", "replaces");
        }

        transaction.Respond(response);
    }

    public void OnCancel(SipServerTransaction invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        invite.Respond(invite.CreateResponse(487).AddHeader("Server", configuration.Current.Sip.UserAgent));
    }

    public void OnAck(SipRequest ack, SipFlow flow)
    {
    }
}
