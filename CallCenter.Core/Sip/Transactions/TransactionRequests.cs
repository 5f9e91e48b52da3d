using System.Globalization;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>The two requests a client INVITE transaction derives from its INVITE: the ACK for a 300-699 and the
/// CANCEL. Header values are copied as received (unfolded), never re-rendered, so tags and parameters stay exact.</summary>
internal static class TransactionRequests
{
    /// <summary>
    /// §17.1.1.3: Request-URI, Call-ID and From of the INVITE, the CSeq number of the INVITE with method ACK, the To
    /// of the response (it carries the tag the server chose), a single Via equal to the INVITE's top Via (so the
    /// server transaction matches it), and the INVITE's Route header fields.
    /// </summary>
    public static SipRequest Ack(SipRequest invite, SipResponse response) =>
        Derived(invite, SipMethods.Ack, response.GetHeaderValue(SipHeaderId.To)!);

    /// <summary>
    /// §9.1: Request-URI, Call-ID, To, From and CSeq number of the INVITE with method CANCEL, a single Via equal to
    /// the INVITE's top Via (same branch: the server matches the CANCEL to the INVITE by it), and the INVITE's Route
    /// header fields.
    /// </summary>
    public static SipRequest Cancel(SipRequest invite) =>
        Derived(invite, SipMethods.Cancel, invite.GetHeaderValue(SipHeaderId.To)!);

    private static SipRequest Derived(SipRequest invite, string method, string to)
    {
        var request = SipMessageBuilder.ForRequest(method, invite.RequestUri);
        request.AddHeader("Via", invite.TopVia!.ToString());
        foreach (var header in invite.Headers)
        {
            if (header.Id == SipHeaderId.Route)
            {
                request.AddHeader("Route", invite.GetValue(header));
            }
        }

        request.AddHeader("Max-Forwards", "70");
        request.AddHeader("From", invite.GetHeaderValue(SipHeaderId.From)!);
        request.AddHeader("To", to);
        request.AddHeader("Call-ID", invite.CallId!);
        request.AddHeader("CSeq", invite.CSeq!.Value.Number.ToString(CultureInfo.InvariantCulture) + " " + method);
        return request.BuildRequest();
    }
}
