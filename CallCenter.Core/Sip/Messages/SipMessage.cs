using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace CallCenter.Core.Sip.Messages;

// A parsed SIP message: the original octets plus an index of its header lines. Immutable and
// safe to share between threads. The headers every layer reads (Via, From, To, Call-ID, CSeq,
// Max-Forwards, Contact, Route, Record-Route, Content-Length) are parsed once by the parser,
// because RFC 4475 wants a malformed one answered with 400 before anything else looks at the
// message, so they must be parsed anyway and parsing twice would cost more. Everything else
// (Expires, Content-Type, extension headers) is computed on each call: cheap, rarely read twice,
// and with no cache there is nothing to publish across threads.
public abstract partial class SipMessage
{
    private readonly SipHeaderEntry[] _headers;

    private protected SipMessage(ReadOnlyMemory<byte> bytes, SipHeaderEntry[] headers, ReadOnlyMemory<byte> body, in SipCoreHeaders core)
    {
        Bytes = bytes;
        _headers = headers;
        Body = body;
        Vias = core.Vias;
        From = core.From;
        To = core.To;
        CallId = core.CallId;
        CSeq = core.CSeq;
        MaxForwards = core.MaxForwards;
        Contacts = core.Contacts;
        Routes = core.Routes;
        RecordRoutes = core.RecordRoutes;
        ContentLength = core.ContentLength;
    }

    // The message as received, without trailing datagram octets beyond Content-Length (§18.3).
    public ReadOnlyMemory<byte> Bytes { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public IReadOnlyList<SipHeaderEntry> Headers => _headers;

    public IReadOnlyList<SipVia> Vias { get; }

    public SipVia? TopVia => Vias.Count > 0 ? Vias[0] : null;

    public SipNameAddress? From { get; }

    public SipNameAddress? To { get; }

    public string? CallId { get; }

    public SipCSeq? CSeq { get; }

    public int? MaxForwards { get; }

    public IReadOnlyList<SipNameAddress> Contacts { get; }

    public IReadOnlyList<SipNameAddress> Routes { get; }

    public IReadOnlyList<SipNameAddress> RecordRoutes { get; }

    // The declared Content-Length; null when the header is absent (allowed on UDP only).
    public int? ContentLength { get; }

    public string? ContentType => GetHeaderValue(SipHeaderId.ContentType);

    // Expires header in seconds; null when absent or outside 0..2^32-1 (RFC 4475 scalar02: a
    // registrar then treats it as absent and applies its default).
    public uint? Expires =>
        uint.TryParse(GetHeaderValue(SipHeaderId.Expires), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public abstract bool IsRequest { get; }

    public string GetName(in SipHeaderEntry header) =>
        Encoding.UTF8.GetString(Bytes.Span.Slice(header.LineStart, header.NameLength));

    public ReadOnlySpan<byte> GetRawValue(in SipHeaderEntry header) =>
        Bytes.Span.Slice(header.ValueStart, header.ValueLength);

    public ReadOnlySpan<byte> GetRawLine(in SipHeaderEntry header) =>
        Bytes.Span.Slice(header.LineStart, header.LineLength);

    // The value with folding replaced by a single SP (RFC 3261 §7.3.1 allows that replacement).
    public string GetValue(in SipHeaderEntry header) => Unfold(GetRawValue(header));

    public bool HasHeader(string name) => CountHeaders(name) > 0;

    public int CountHeaders(string name)
    {
        var id = SipHeaderNames.Identify(name);
        var count = 0;
        foreach (var header in _headers)
        {
            if (IsNamed(header, id, name))
            {
                count++;
            }
        }

        return count;
    }

    public int CountHeaders(SipHeaderId id)
    {
        var count = 0;
        foreach (var header in _headers)
        {
            if (header.Id == id)
            {
                count++;
            }
        }

        return count;
    }

    // First value of the named header (long or compact name, any case), unfolded; null if absent.
    public string? GetHeaderValue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var id = SipHeaderNames.Identify(name);
        foreach (var header in _headers)
        {
            if (IsNamed(header, id, name))
            {
                return GetValue(header);
            }
        }

        return null;
    }

    public string? GetHeaderValue(SipHeaderId id)
    {
        foreach (var header in _headers)
        {
            if (header.Id == id)
            {
                return GetValue(header);
            }
        }

        return null;
    }

    private static readonly FrozenSet<string> NonListExtensions =
        new[] { "Authentication-Info", "Proxy-Authentication-Info", "Organization", "Retry-After" }
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // All values of the named header, across repeated lines and, for list headers (§7.3.1: Allow, Supported,
    // Require, Accept...), the values of each line split at commas outside quotes and <...>. A header whose grammar
    // has bare commas (Date, WWW-Authenticate) comes back one whole value per line.
    public IReadOnlyList<string> GetHeaderValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var id = SipHeaderNames.Identify(name);
        List<string>? values = null;
        foreach (var header in _headers)
        {
            if (IsNamed(header, id, name))
            {
                values ??= [];
                if (IsList(id, name))
                {
                    values.AddRange(SipSyntax.SplitList(GetValue(header)));
                }
                else
                {
                    values.Add(GetValue(header));
                }
            }
        }

        return values is null ? [] : values;
    }

    public override string ToString() => Encoding.UTF8.GetString(Bytes.Span);

    // §7.3.1: a comma separates values only in list headers. The digest headers are the RFC's named exceptions (their
    // parameters are comma-separated); Date and the free-text headers carry commas inside one value.
    private static bool IsList(SipHeaderId id, string name) => id switch
    {
        SipHeaderId.Authorization or SipHeaderId.ProxyAuthorization or SipHeaderId.WwwAuthenticate
            or SipHeaderId.ProxyAuthenticate or SipHeaderId.Date or SipHeaderId.Subject or SipHeaderId.UserAgent
            or SipHeaderId.Server or SipHeaderId.Timestamp => false,
        SipHeaderId.Extension => !NonListExtensions.Contains(name),
        _ => true,
    };

    private bool IsNamed(in SipHeaderEntry header, SipHeaderId id, string name)
    {
        if (id != SipHeaderId.Extension)
        {
            return header.Id == id;
        }

        if (header.Id != SipHeaderId.Extension || header.NameLength != Encoding.UTF8.GetByteCount(name))
        {
            return false;
        }

        var raw = Bytes.Span.Slice(header.LineStart, header.NameLength);
        return Ascii.EqualsIgnoreCase(raw, name) || Encoding.UTF8.GetString(raw).Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    internal static string Unfold(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var text = Encoding.UTF8.GetString(raw);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\r' or '\n')
            {
                while (builder.Length > 0 && builder[^1] is ' ' or '\t')
                {
                    builder.Length--;
                }

                while (i + 1 < text.Length && text[i + 1] is ' ' or '\t' or '\r' or '\n')
                {
                    i++;
                }

                builder.Append(' ');
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}

// The eagerly parsed headers, handed from the parser to the message constructor.
internal readonly struct SipCoreHeaders
{
    public IReadOnlyList<SipVia> Vias { get; init; }

    public SipNameAddress? From { get; init; }

    public SipNameAddress? To { get; init; }

    public string? CallId { get; init; }

    public SipCSeq? CSeq { get; init; }

    public int? MaxForwards { get; init; }

    public IReadOnlyList<SipNameAddress> Contacts { get; init; }

    public IReadOnlyList<SipNameAddress> Routes { get; init; }

    public IReadOnlyList<SipNameAddress> RecordRoutes { get; init; }

    public int? ContentLength { get; init; }
}
