using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// §17.2.3 for RFC 3261 requests: the top Via's branch and sent-by, and the method, with ACK taking INVITE's place
/// (an ACK for a non-2xx belongs to its INVITE's transaction). CANCEL is its own method here, so a CANCEL and the
/// INVITE it cancels, which share a branch, are two transactions. The branch is compared exactly, the sent-by host
/// case-insensitively (hosts are, §19.1.4).
/// </summary>
internal readonly record struct ServerTransactionKey(string Branch, string SentBy, string Method)
{
    public static ServerTransactionKey Of(SipVia via, string method) =>
        new(via.Branch!, via.SentBy.ToLowerInvariant(), method);
}

/// <summary>
/// §17.2.3's fallback for RFC 2543 peers, whose branches carry no magic cookie: Request-URI, From tag, Call-ID,
/// CSeq number and top Via, plus the method (ACK and CANCEL look up their INVITE under INVITE). The To tag takes part
/// too, but it differs between an INVITE and the ACK for its response, so it is checked after the lookup.
/// </summary>
internal readonly record struct LegacyServerTransactionKey(SipUri RequestUri, string? FromTag, string CallId, uint CSeq, string Method, string TopVia)
{
    public static LegacyServerTransactionKey Of(SipRequest request, string method) =>
        new(request.RequestUri, request.From?.Tag, request.CallId!, request.CSeq!.Value.Number, method, request.TopVia!.ToString());
}

/// <summary>§17.1.3: a response belongs to the client transaction whose request carried the branch of the response's
/// top Via and whose method is the CSeq method (a CANCEL shares the branch of its INVITE).</summary>
internal readonly record struct ClientTransactionKey(string Branch, string Method);
