using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CallCenter.Core.Sip.Messages;

public static partial class SipMessageParser
{
    private sealed partial class ParseContext
    {
        // Parses the headers the stack itself depends on. The order of the checks decides which
        // error is reported when several are wrong (RFC 4475 scalar02 wants the CSeq one).
        private bool TryParseCore(SipHeaderEntry[] headers, out SipCoreHeaders core)
        {
            core = default;
            var vias = new List<SipVia>(2);
            foreach (var h in headers)
            {
                if (h.Id == SipHeaderId.Via && !TryParseViaLine(Value(h), vias, out var badPart))
                {
                    _viaIntact = false;
                    return Fail(SipParseErrorCode.MalformedVia, badPart is null ? "Via: empty or unbalanced list element" : "Via: " + badPart, 400, "Bad Request - Malformed Via");
                }
            }

            SipCSeq? cseq = null;
            if (First(headers, SipHeaderId.CSeq) is { } cseqEntry)
            {
                if (!SipCSeq.TryParse(Value(cseqEntry), out cseq))
                {
                    return Fail(SipParseErrorCode.MalformedCSeq, "CSeq is not a 32-bit number and a method", 400, "Bad Request - Malformed CSeq");
                }
            }

            string? callId = null;
            if (First(headers, SipHeaderId.CallId) is { } callIdEntry)
            {
                callId = Value(callIdEntry);
                if (!IsValidCallId(callId))
                {
                    return Fail(SipParseErrorCode.MalformedCallId, "Call-ID is empty or holds whitespace", 400, "Bad Request - Malformed Call-ID");
                }
            }

            if (!TryParseSingleAddress(headers, SipHeaderId.From, SipParseErrorCode.MalformedFrom, "From", out var from)
                || !TryParseSingleAddress(headers, SipHeaderId.To, SipParseErrorCode.MalformedTo, "To", out var to))
            {
                return false;
            }

            int? maxForwards = null;
            if (First(headers, SipHeaderId.MaxForwards) is { } mfEntry)
            {
                if (!TryParseSmallNumber(RawValue(mfEntry), 255, out var mf))
                {
                    return Fail(SipParseErrorCode.MalformedMaxForwards, "Max-Forwards is not 0-255", 400, "Bad Request - Malformed Max-Forwards");
                }

                maxForwards = mf;
            }

            if (!TryParseAddressList(headers, SipHeaderId.Contact, SipParseErrorCode.MalformedContact, "Contact", out var contacts)
                || !TryParseAddressList(headers, SipHeaderId.Route, SipParseErrorCode.MalformedRoute, "Route", out var routes)
                || !TryParseAddressList(headers, SipHeaderId.RecordRoute, SipParseErrorCode.MalformedRecordRoute, "Record-Route", out var recordRoutes))
            {
                return false;
            }

            int? contentLength = null;
            foreach (var h in headers)
            {
                if (h.Id != SipHeaderId.ContentLength)
                {
                    continue;
                }

                // RFC 4475 ncl ("-999") and "five" are framing errors; so are two different
                // values (mcl01): there is no telling where the body ends.
                if (!TryParseSmallNumber(RawValue(h), int.MaxValue, out var length))
                {
                    return Fail(SipParseErrorCode.MalformedContentLength, "Content-Length is not a non-negative integer", 400, "Bad Request - Malformed Content-Length");
                }

                if (contentLength is not null && contentLength != length)
                {
                    return Fail(SipParseErrorCode.ConflictingContentLength, "conflicting Content-Length values", 400, "Bad Request - Conflicting Content-Length");
                }

                contentLength = length;
            }

            core = new SipCoreHeaders
            {
                Vias = vias,
                From = from,
                To = to,
                CallId = callId,
                CSeq = cseq,
                MaxForwards = maxForwards,
                Contacts = contacts,
                Routes = routes,
                RecordRoutes = recordRoutes,
                ContentLength = contentLength,
            };
            return true;
        }

        // §8.2 / RFC 4475 mismatch01, mismatch02: the CSeq method must equal the request method.
        // For a method we do not know the RFC prefers 501 over 400.
        private bool CheckCSeqMethod(in SipCoreHeaders core, string method)
        {
            if (core.CSeq is not { } cseq || string.Equals(cseq.Method, method, StringComparison.Ordinal))
            {
                return true;
            }

            return SipMethods.IsWellKnown(method)
                ? Fail(SipParseErrorCode.CSeqMethodMismatch, $"CSeq method {cseq.Method} differs from {method}", 400, "Bad Request - CSeq Method Mismatch")
                : Fail(SipParseErrorCode.CSeqMethodMismatch, $"unknown method {method} with CSeq method {cseq.Method}", 501, "Not Implemented");
        }

        private bool TryCutBody(SipParseOptions options, int bodyStart, in SipCoreHeaders core, out ReadOnlyMemory<byte> bytes, out ReadOnlyMemory<byte> body)
        {
            bytes = default;
            body = default;
            var available = _data.Length - bodyStart;
            int length;
            if (core.ContentLength is { } declared)
            {
                if (declared > available)
                {
                    // §18.3: on a datagram a Content-Length beyond the data is a 400 (RFC 4475 clerr).
                    return Fail(SipParseErrorCode.ContentLengthExceedsDatagram, $"Content-Length {declared} exceeds the {available} octets present", 400, "Bad Request - Content-Length Too Large");
                }

                // Octets past Content-Length are ignored (§18.3, RFC 4475 dblreq).
                length = declared;
            }
            else if (options.IsStream)
            {
                return Fail(SipParseErrorCode.MissingContentLength, "Content-Length is required on stream transports", 400, "Bad Request - Missing Content-Length");
            }
            else
            {
                length = available;
            }

            bytes = _data[_start..(bodyStart + length)];
            body = _data.Slice(bodyStart, length);
            return true;
        }

        private bool TryParseSingleAddress(SipHeaderEntry[] headers, SipHeaderId id, SipParseErrorCode code, string name, out SipNameAddress? value)
        {
            value = null;
            if (First(headers, id) is not { } entry)
            {
                return true;
            }

            if (!TryParseNameAddress(Value(entry), out value, out var reason))
            {
                return Fail(code, name + ": " + reason, 400, "Bad Request - Malformed " + name);
            }

            return true;
        }

        private bool TryParseAddressList(SipHeaderEntry[] headers, SipHeaderId id, SipParseErrorCode code, string name, out IReadOnlyList<SipNameAddress> values)
        {
            values = [];
            List<SipNameAddress>? list = null;
            foreach (var h in headers)
            {
                if (h.Id != id)
                {
                    continue;
                }

                list ??= new List<SipNameAddress>(2);
                if (!TryParseAddressLine(Value(h), id == SipHeaderId.Contact, list, out var reason))
                {
                    return Fail(code, name + ": " + reason, 400, "Bad Request - Malformed " + name);
                }
            }

            if (list is { Count: > 0 })
            {
                values = list;
            }

            return true;
        }

        private string Value(in SipHeaderEntry entry) =>
            SipMessage.Unfold(_data.Span.Slice(entry.ValueStart, entry.ValueLength));

        // The value as octets, folding included: for the numeric headers, where a fold can only make the value
        // invalid, whether it is read folded or unfolded, and no string is needed.
        private ReadOnlySpan<byte> RawValue(in SipHeaderEntry entry) =>
            _data.Span.Slice(entry.ValueStart, entry.ValueLength);

        private static SipHeaderEntry? First(SipHeaderEntry[] headers, SipHeaderId id)
        {
            foreach (var h in headers)
            {
                if (h.Id == id)
                {
                    return h;
                }
            }

            return null;
        }

        // Digits only (leading zeros allowed, RFC 4475 wsinv "0068"), at most `max`.
        internal static bool TryParseSmallNumber(ReadOnlySpan<byte> text, int max, out int value)
        {
            value = 0;
            if (text.IsEmpty)
            {
                return false;
            }

            long acc = 0;
            foreach (var c in text)
            {
                if (!char.IsAsciiDigit((char)c))
                {
                    return false;
                }

                acc = (acc * 10) + (c - '0');
                if (acc > max)
                {
                    return false;
                }
            }

            value = (int)acc;
            return true;
        }

        internal static bool TryParseSmallNumber(string text, int max, out int value)
        {
            value = 0;
            if (text.Length == 0)
            {
                return false;
            }

            long acc = 0;
            foreach (var c in text)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                acc = (acc * 10) + (c - '0');
                if (acc > max)
                {
                    return false;
                }
            }

            value = (int)acc;
            return true;
        }
    }

    // The checks TryParseCore makes on one value of a header the stack reads itself, for a message that was built
    // rather than received: SipMessageBuilder validates the values a caller wrote with these, so that a message it
    // serializes is one this parser would accept, without parsing all of it again. True for any other header.
    internal static bool IsValidCoreValue(SipHeaderId id, string value)
    {
        var trimmed = value.Trim(' ', '\t');
        return id switch
        {
            SipHeaderId.Via => TryParseViaLine(trimmed, null, out _),
            SipHeaderId.CSeq => SipCSeq.TryParse(trimmed, out _),
            SipHeaderId.CallId => IsValidCallId(trimmed),
            SipHeaderId.From or SipHeaderId.To => TryParseNameAddress(trimmed, out _, out _),
            SipHeaderId.MaxForwards => ParseContext.TryParseSmallNumber(trimmed, 255, out _),
            SipHeaderId.Contact => TryParseAddressLine(trimmed, allowWildcard: true, null, out _),
            SipHeaderId.Route or SipHeaderId.RecordRoute => TryParseAddressLine(trimmed, allowWildcard: false, null, out _),
            SipHeaderId.ContentLength => ParseContext.TryParseSmallNumber(trimmed, int.MaxValue, out _),
            _ => true,
        };
    }

    // One Via line: one or more via-parms separated by commas (§20.42). On failure `badPart` is the via-parm that did
    // not parse, or null when the list itself was malformed. `into` may be null when only validity matters.
    private static bool TryParseViaLine(string value, List<SipVia>? into, out string? badPart)
    {
        badPart = null;
        var parts = new List<string>(2);
        if (!SipSyntax.TrySplitList(value, parts, allowEmpty: false))
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (!SipVia.TryParse(part, out var via))
            {
                badPart = part;
                return false;
            }

            into?.Add(via);
        }

        return true;
    }

    // From and To: one name-addr or addr-spec, never the wildcard.
    private static bool TryParseNameAddress(string value, [NotNullWhen(true)] out SipNameAddress? address, out string reason)
    {
        if (!SipNameAddress.TryParse(value, out address, out var why) || address.IsWildcard)
        {
            address = null;
            reason = why ?? "wildcard";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    // One Contact, Route or Record-Route line: comma-separated addresses; the wildcard only where allowed (Contact).
    private static bool TryParseAddressLine(string value, bool allowWildcard, List<SipNameAddress>? into, out string reason)
    {
        var parts = new List<string>(2);
        if (!SipSyntax.TrySplitList(value, parts, allowEmpty: false))
        {
            reason = "empty or unbalanced list element";
            return false;
        }

        foreach (var part in parts)
        {
            if (!SipNameAddress.TryParse(part, out var address, out var why) || (address.IsWildcard && !allowWildcard))
            {
                reason = why ?? "wildcard";
                return false;
            }

            into?.Add(address);
        }

        reason = string.Empty;
        return true;
    }

    private static bool IsValidCallId(string value) => value.Length > 0 && !value.AsSpan().ContainsAny(" \t\r\n");
}
