using System.Text;

namespace CallCenter.Core.Sip.Messages;

// Maps header names (any case, long or compact form, RFC 3261 §7.3.3 and the compact forms
// registered since) to SipHeaderId and back to the canonical long name we write.
public static class SipHeaderNames
{
    private static readonly string[] Canonical = BuildCanonical();

    public static string GetCanonicalName(SipHeaderId id) => Canonical[(int)id];

    public static SipHeaderId Identify(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Identify(name.AsSpan());
    }

    // Every known name is ASCII, so comparing UTF-16 units decides exactly what comparing UTF-8 octets would.
    internal static SipHeaderId Identify(ReadOnlySpan<char> name)
    {
        if (name.Length == 1)
        {
            return Compact(name[0]);
        }

        for (var i = 1; i < Canonical.Length; i++)
        {
            var candidate = Canonical[i];
            if (candidate.Length == name.Length && Ascii.EqualsIgnoreCase(name, candidate))
            {
                return (SipHeaderId)i;
            }
        }

        return SipHeaderId.Extension;
    }

    public static SipHeaderId Identify(ReadOnlySpan<byte> name)
    {
        if (name.Length == 1)
        {
            return Compact((char)name[0]);
        }

        // A linear scan: the table is short and most candidates fail on the length check.
        for (var i = 1; i < Canonical.Length; i++)
        {
            var candidate = Canonical[i];
            if (candidate.Length == name.Length && Ascii.EqualsIgnoreCase(name, candidate))
            {
                return (SipHeaderId)i;
            }
        }

        return SipHeaderId.Extension;
    }

    private static SipHeaderId Compact(char name) =>
        (name | 0x20) switch
        {
            'i' => SipHeaderId.CallId,
            'm' => SipHeaderId.Contact,
            'e' => SipHeaderId.ContentEncoding,
            'l' => SipHeaderId.ContentLength,
            'c' => SipHeaderId.ContentType,
            'f' => SipHeaderId.From,
            's' => SipHeaderId.Subject,
            'k' => SipHeaderId.Supported,
            't' => SipHeaderId.To,
            'v' => SipHeaderId.Via,
            'o' => SipHeaderId.Event,
            'u' => SipHeaderId.AllowEvents,
            'r' => SipHeaderId.ReferTo,
            'b' => SipHeaderId.ReferredBy,
            'x' => SipHeaderId.SessionExpires,
            'y' => SipHeaderId.Identity,
            'a' => SipHeaderId.AcceptContact,
            'j' => SipHeaderId.RejectContact,
            'd' => SipHeaderId.RequestDisposition,
            _ => SipHeaderId.Extension,
        };

    private static string[] BuildCanonical()
    {
        var names = new string[(int)SipHeaderId.Date + 1];
        names[(int)SipHeaderId.Extension] = string.Empty;
        names[(int)SipHeaderId.Via] = "Via";
        names[(int)SipHeaderId.From] = "From";
        names[(int)SipHeaderId.To] = "To";
        names[(int)SipHeaderId.CallId] = "Call-ID";
        names[(int)SipHeaderId.CSeq] = "CSeq";
        names[(int)SipHeaderId.MaxForwards] = "Max-Forwards";
        names[(int)SipHeaderId.Contact] = "Contact";
        names[(int)SipHeaderId.Route] = "Route";
        names[(int)SipHeaderId.RecordRoute] = "Record-Route";
        names[(int)SipHeaderId.ContentLength] = "Content-Length";
        names[(int)SipHeaderId.ContentType] = "Content-Type";
        names[(int)SipHeaderId.ContentEncoding] = "Content-Encoding";
        names[(int)SipHeaderId.Expires] = "Expires";
        names[(int)SipHeaderId.Subject] = "Subject";
        names[(int)SipHeaderId.Supported] = "Supported";
        names[(int)SipHeaderId.Require] = "Require";
        names[(int)SipHeaderId.ProxyRequire] = "Proxy-Require";
        names[(int)SipHeaderId.Allow] = "Allow";
        names[(int)SipHeaderId.Event] = "Event";
        names[(int)SipHeaderId.AllowEvents] = "Allow-Events";
        names[(int)SipHeaderId.ReferTo] = "Refer-To";
        names[(int)SipHeaderId.ReferredBy] = "Referred-By";
        names[(int)SipHeaderId.SessionExpires] = "Session-Expires";
        names[(int)SipHeaderId.Identity] = "Identity";
        names[(int)SipHeaderId.AcceptContact] = "Accept-Contact";
        names[(int)SipHeaderId.RejectContact] = "Reject-Contact";
        names[(int)SipHeaderId.RequestDisposition] = "Request-Disposition";
        names[(int)SipHeaderId.Authorization] = "Authorization";
        names[(int)SipHeaderId.ProxyAuthorization] = "Proxy-Authorization";
        names[(int)SipHeaderId.WwwAuthenticate] = "WWW-Authenticate";
        names[(int)SipHeaderId.ProxyAuthenticate] = "Proxy-Authenticate";
        names[(int)SipHeaderId.Timestamp] = "Timestamp";
        names[(int)SipHeaderId.Accept] = "Accept";
        names[(int)SipHeaderId.UserAgent] = "User-Agent";
        names[(int)SipHeaderId.Server] = "Server";
        names[(int)SipHeaderId.Date] = "Date";
        return names;
    }
}
