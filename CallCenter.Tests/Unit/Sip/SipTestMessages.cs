using System.Text;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Tests.Unit.Sip;

internal static class SipTestMessages
{
    public const string Invite =
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@pc33.atlanta.example.com>\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 4\r\n" +
        "\r\n" +
        "v=0\n";

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static SipMessage Parse(string text)
    {
        Assert.That(SipMessageParser.TryParse(Bytes(text), out var message, out var error), Is.True, () => error.ToString());
        return message!;
    }

    public static SipRequest ParseRequest(string text) => (SipRequest)Parse(text);
}
