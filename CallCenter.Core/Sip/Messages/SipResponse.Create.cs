using System.Globalization;
using System.Text;

namespace CallCenter.Core.Sip.Messages;

public sealed partial class SipResponse
{
    // Builds a body-less response to `request` per RFC 3261 §8.2.6: the Via lines, From, Call-ID
    // and CSeq are copied byte for byte, To likewise with ";tag=toTag" appended when the request
    // had no To tag, and Timestamp is echoed on a 100 (§8.2.6.1). The request is not modified.
    // For responses that need more (Contact, Record-Route, a body) use SipMessageBuilder.ForResponse.
    public static SipResponse Create(SipRequest request, int status, string? reason = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 699);
        var statusLine = "SIP/2.0 " + status.ToString(CultureInfo.InvariantCulture) + " " + (reason ?? SipStatusCodes.GetReasonPhrase(status)) + "\r\n";
        var tagSuffix = toTag is not null && request.To is { Tag: null } ? ";tag=" + toTag : null;

        var size = Encoding.UTF8.GetByteCount(statusLine) + Trailer.Length + (tagSuffix is null ? 0 : Encoding.UTF8.GetByteCount(tagSuffix));
        foreach (var h in request.Headers)
        {
            if (IsCopied(h.Id, status))
            {
                size += h.LineLength + 2;
            }
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        var n = Encoding.UTF8.GetBytes(statusLine, span);
        var source = request.Bytes.Span;
        foreach (var h in request.Headers)
        {
            if (!IsCopied(h.Id, status))
            {
                continue;
            }

            source.Slice(h.LineStart, h.LineLength).CopyTo(span[n..]);
            n += h.LineLength;
            if (h.Id == SipHeaderId.To && tagSuffix is not null)
            {
                n += Encoding.UTF8.GetBytes(tagSuffix, span[n..]);
            }

            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
        }

        Trailer.CopyTo(span[n..]);
        return SipMessageParser.TryParse(bytes, SipParseOptions.Stream, out var message, out var error)
            ? (SipResponse)message
            : throw new InvalidOperationException("Response to an unparseable request: " + error);
    }

    private static ReadOnlySpan<byte> Trailer => "Content-Length: 0\r\n\r\n"u8;

    private static bool IsCopied(SipHeaderId id, int status) => id switch
    {
        SipHeaderId.Via or SipHeaderId.From or SipHeaderId.To or SipHeaderId.CallId or SipHeaderId.CSeq => true,
        SipHeaderId.Timestamp => status == 100,
        _ => false,
    };
}
