using System.Diagnostics.CodeAnalysis;

namespace CallCenter.Core.Sip.Messages;

// Checks a syntactically valid message for what RFC 3261 requires before a transaction can be
// matched or created: the mandatory headers present (§8.1.1, RFC 4475 insuf) and single-valued
// headers not repeated (§7.3.1, RFC 4475 multi01). The parser leaves these to this step so a
// proxy or a diagnostic tool can still look at such a message; the transaction layer calls it.
public static class SipMessageValidator
{
    private static readonly (SipHeaderId Id, string Name)[] Mandatory =
    [
        (SipHeaderId.Via, "Via"),
        (SipHeaderId.From, "From"),
        (SipHeaderId.To, "To"),
        (SipHeaderId.CallId, "Call-ID"),
        (SipHeaderId.CSeq, "CSeq"),
    ];

    private static readonly (SipHeaderId Id, string Name)[] Singletons =
    [
        (SipHeaderId.From, "From"),
        (SipHeaderId.To, "To"),
        (SipHeaderId.CallId, "Call-ID"),
        (SipHeaderId.CSeq, "CSeq"),
        (SipHeaderId.MaxForwards, "Max-Forwards"),
        (SipHeaderId.ContentType, "Content-Type"),
        (SipHeaderId.Expires, "Expires"),
    ];

    public static bool TryValidate(SipMessage message, [NotNullWhen(false)] out SipParseError? error)
    {
        ArgumentNullException.ThrowIfNull(message);
        var status = message.IsRequest ? 400 : 0;
        foreach (var (id, name) in Mandatory)
        {
            if (message.CountHeaders(id) == 0)
            {
                error = new SipParseError(SipParseErrorCode.MissingRequiredHeader, "missing " + name, status, "Bad Request - Missing " + name);
                return false;
            }
        }

        foreach (var (id, name) in Singletons)
        {
            if (message.CountHeaders(id) > 1)
            {
                error = new SipParseError(SipParseErrorCode.DuplicateSingletonHeader, "more than one " + name, status, "Bad Request - Multiple " + name,
                    message.Bytes, message.IsRequest ? AnswerLines(message) : null);
                return false;
            }
        }

        error = null;
        return true;
    }

    // All Via lines and the first From, To, Call-ID and CSeq lines, echoed by the 400 (§8.2.6.2).
    private static (int Start, int Length)[] AnswerLines(SipMessage message)
    {
        var lines = new List<(int, int)>(6);
        var seen = new HashSet<SipHeaderId>();
        foreach (var h in message.Headers)
        {
            if (h.Id == SipHeaderId.Via || (h.Id is SipHeaderId.From or SipHeaderId.To or SipHeaderId.CallId or SipHeaderId.CSeq && seen.Add(h.Id)))
            {
                lines.Add((h.LineStart, h.LineLength));
            }
        }

        return [.. lines];
    }
}
