using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip.Dialogs;

// Messages of two published call flows, as the endpoint in question sees them on the wire:
// RFC 3665 §3.2 (Alice calls Bob through two record-routing proxies, over TCP) and RFC 3261
// §24.2 (Alice calls Bob through two proxies that do not record-route, over UDP). SDP bodies
// are left out: the dialog layer does not read them.
internal static class DialogFlows
{
    public const string AliceTag = "9fxced76sl";
    public const string BobTag = "314159";
    public const string CallId = "3848276298220188511@atlanta.example.com";

    // RFC 3665 §3.2, the INVITE as Alice sends it (the retry carrying her credentials, CSeq 2).
    public const string AliceInvite =
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: 2 INVITE\r\n" +
        "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3665 §3.2, the same INVITE as Bob receives it: each proxy added a Via and a
    // Record-Route above the previous ones, so ss2 (nearest Bob) comes first.
    public const string BobReceivesInvite =
        "INVITE sip:bob@client.biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1\r\n" +
        "Via: SIP/2.0/TCP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1\r\n" +
        " ;received=192.0.2.111\r\n" +
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n" +
        " ;received=192.0.2.101\r\n" +
        "Max-Forwards: 68\r\n" +
        "Record-Route: <sip:ss2.biloxi.example.com;lr>\r\n" +
        "Record-Route: <sip:ss1.atlanta.example.com;lr>\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: 2 INVITE\r\n" +
        "Contact: <sip:alice@client.atlanta.example.com;transport=tcp>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3665 §3.2, Bob's 180 as Alice receives it (Record-Route echoed as one comma list).
    public const string AliceReceivesRinging =
        "SIP/2.0 180 Ringing\r\n" +
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n" +
        " ;received=192.0.2.101\r\n" +
        "Record-Route: <sip:ss2.biloxi.example.com;lr>,\r\n" +
        " <sip:ss1.atlanta.example.com;lr>\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>;tag=314159\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: 2 INVITE\r\n" +
        "Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3665 §3.2, Bob's 200 as Alice receives it.
    public const string AliceReceivesOk =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9\r\n" +
        " ;received=192.0.2.101\r\n" +
        "Record-Route: <sip:ss2.biloxi.example.com;lr>,\r\n" +
        " <sip:ss1.atlanta.example.com;lr>\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>;tag=314159\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: 2 INVITE\r\n" +
        "Contact: <sip:bob@client.biloxi.example.com;transport=tcp>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3665 §3.2, Bob's BYE as Alice receives it (ss2 and ss1 consumed their Route entries).
    public const string AliceReceivesBye =
        "BYE sip:alice@client.atlanta.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP ss1.atlanta.example.com:5060;branch=z9hG4bK2d4790.1\r\n" +
        "Via: SIP/2.0/TCP ss2.biloxi.example.com:5060;branch=z9hG4bK721e4.1\r\n" +
        "Via: SIP/2.0/TCP client.biloxi.example.com:5060;branch=z9hG4bKnashds7\r\n" +
        " ;received=192.0.2.100\r\n" +
        "Max-Forwards: 68\r\n" +
        "From: Bob <sip:bob@biloxi.example.com>;tag=314159\r\n" +
        "To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: 1 BYE\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3261 §24.2 F1: Alice's INVITE, sent to her outbound proxy with no Route set.
    public const string Rfc3261Invite =
        "INVITE sip:bob@biloxi.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.com>\r\n" +
        "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@pc33.atlanta.com>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3261 §24.2 F4: the INVITE as Bob receives it; neither proxy record-routed.
    public const string Rfc3261BobReceivesInvite =
        "INVITE sip:bob@192.0.2.4 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1\r\n" +
        "Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1\r\n" +
        " ;received=192.0.2.2\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8\r\n" +
        " ;received=192.0.2.1\r\n" +
        "Max-Forwards: 68\r\n" +
        "To: Bob <sip:bob@biloxi.com>\r\n" +
        "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@pc33.atlanta.com>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    // RFC 3261 §24.2 F11: Bob's 200 as Alice receives it.
    public const string Rfc3261AliceReceivesOk =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8\r\n" +
        " ;received=192.0.2.1\r\n" +
        "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n" +
        "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:bob@192.0.2.4>\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    public static SipRequest Request(string text) => SipTestMessages.ParseRequest(text);

    public static SipResponse Response(string text) => (SipResponse)SipTestMessages.Parse(text);

    // A request the peer sends inside the RFC 3665 §3.2 dialog from Alice to Bob, as Bob's side
    // receives it.
    public static SipRequest FromAlice(string method, uint cseq, string? contact = null) => Request(
        method + " sip:bob@client.biloxi.example.com;transport=tcp SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP ss2.biloxi.example.com:5060;branch=z9hG4bK" + method + cseq + ".1\r\n" +
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK" + method + cseq + "\r\n" +
        "Max-Forwards: 69\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>;tag=314159\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: " + cseq + " " + method + "\r\n" +
        (contact is null ? string.Empty : "Contact: " + contact + "\r\n") +
        "Content-Length: 0\r\n" +
        "\r\n");

    // A response Alice's side receives for a request she sent with `cseq` / `method`.
    public static SipResponse ToAlice(int status, uint cseq, string method, string toTag = BobTag, string? contact = null, string? recordRoute = null) => Response(
        "SIP/2.0 " + status + " " + SipStatusCodes.GetReasonPhrase(status) + "\r\n" +
        "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK" + method + cseq + "\r\n" +
        (recordRoute is null ? string.Empty : "Record-Route: " + recordRoute + "\r\n") +
        "From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>;tag=" + toTag + "\r\n" +
        "Call-ID: 3848276298220188511@atlanta.example.com\r\n" +
        "CSeq: " + cseq + " " + method + "\r\n" +
        (contact is null ? string.Empty : "Contact: " + contact + "\r\n") +
        "Content-Length: 0\r\n" +
        "\r\n");

    // Dialogs of the RFC 3665 §3.2 call: Alice's side (UAC) from her INVITE and a response, Bob's
    // side (UAS, tag 314159) from the INVITE he receives and the status he answers with.
    public static SipDialog Uac(string invite, string response) => Uac(invite, Response(response));

    public static SipDialog Uac(string invite, SipResponse response)
    {
        Assert.That(SipDialog.TryCreateUac(Request(invite), response, false, out var dialog, out var reason), Is.True, reason);
        return dialog!;
    }

    public static SipDialog Uas(string invite, int status)
    {
        Assert.That(SipDialog.TryCreateUas(Request(invite), BobTag, status, false, out var dialog, out var reason), Is.True, reason);
        return dialog!;
    }

    // What the owner adds before sending: its Via on top.
    public static SipRequest Finish(SipMessageBuilder builder) =>
        builder.AddHeaderFirst("Via", "SIP/2.0/TCP client.example.com:5060;branch=z9hG4bKtest").BuildRequest();
}
