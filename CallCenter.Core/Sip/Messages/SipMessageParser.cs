using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace CallCenter.Core.Sip.Messages;

// Parses one SIP message from a datagram or from a frame cut by SipStreamFramer. Never throws
// on wire input: every refusal is a SipParseError with the status RFC 3261 wants answered.
// Pure function of its input; safe to call from any thread.
public static partial class SipMessageParser
{
    internal const int MaxHeaderLines = 256;

    public static bool TryParse(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out SipMessage? message, out SipParseError error) =>
        TryParse(data, SipParseOptions.Datagram, out message, out error);

    public static bool TryParse(ReadOnlyMemory<byte> data, SipParseOptions options, [NotNullWhen(true)] out SipMessage? message, out SipParseError error)
    {
        message = null;
        var span = data.Span;

        // §7.5: CRLFs before the start line are ignored (they are also RFC 5626 keep-alives).
        var start = 0;
        while (start + 1 < span.Length && span[start] == '\r' && span[start + 1] == '\n')
        {
            start += 2;
        }

        if (start >= span.Length)
        {
            error = new SipParseError(SipParseErrorCode.Empty, "no message", 0, string.Empty);
            return false;
        }

        if (span.Length - start > options.MaxMessageSize)
        {
            error = new SipParseError(SipParseErrorCode.TooLarge, $"message of {span.Length - start} octets exceeds {options.MaxMessageSize}", 513, "Message Too Large");
            return false;
        }

        var context = new ParseContext(data, start);
        if (!context.Run(options, out message))
        {
            error = context.Error!;
            return false;
        }

        error = SipParseError.None;
        return true;
    }

    private sealed partial class ParseContext
    {
        private readonly ReadOnlyMemory<byte> _data;
        private readonly int _start;
        private SipHeaderEntry[] _entries = [];
        private int _entryCount;
        private bool _isRequest;
        private bool _viaIntact = true;

        public ParseContext(ReadOnlyMemory<byte> data, int start)
        {
            _data = data;
            _start = start;
        }

        public SipParseError? Error { get; private set; }

        public bool Run(SipParseOptions options, [NotNullWhen(true)] out SipMessage? message)
        {
            message = null;
            var span = _data.Span;
            var blank = span[_start..].IndexOf("\r\n\r\n"u8);
            var headerEnd = blank < 0 ? -1 : _start + blank + 2;
            var bodyStart = blank < 0 ? -1 : headerEnd + 2;
            var lineEnd = span[_start..].IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return Fail(SipParseErrorCode.MalformedStartLine, "no CRLF after the start line", 400, "Bad Request - Malformed Start Line", answerable: false);
            }

            var startLine = span.Slice(_start, lineEnd);
            _isRequest = !startLine.StartsWith("SIP/"u8);
            _entries = ArrayPool<SipHeaderEntry>.Shared.Rent(32);
            try
            {
                if (!ScanHeaders(_start + lineEnd + 2, headerEnd < 0 ? span.Length : headerEnd))
                {
                    return false;
                }

                if (headerEnd < 0)
                {
                    return Fail(SipParseErrorCode.MissingHeaderTerminator, "no empty line after the headers", 400, "Bad Request - Missing Empty Line");
                }

                var headers = _entries.AsSpan(0, _entryCount).ToArray();
                if (_isRequest)
                {
                    if (!TryParseRequestLine(startLine, out var method, out var uri))
                    {
                        return false;
                    }

                    if (!TryParseCore(headers, out var core) || !CheckCSeqMethod(core, method) || !TryCutBody(options, bodyStart, core, out var bytes, out var body))
                    {
                        return false;
                    }

                    message = new SipRequest(method, uri, bytes, Rebase(headers), body, core);
                    return true;
                }
                else
                {
                    if (!TryParseStatusLine(startLine, out var status, out var reason))
                    {
                        return false;
                    }

                    if (!TryParseCore(headers, out var core) || !TryCutBody(options, bodyStart, core, out var bytes, out var body))
                    {
                        return false;
                    }

                    message = new SipResponse(status, reason, bytes, Rebase(headers), body, core);
                    return true;
                }
            }
            finally
            {
                // The array in hand now: a message with more than 32 header lines swapped the first one for a bigger
                // one (and returned the first then). Returning the first again would hand one array to two parsers.
                ArrayPool<SipHeaderEntry>.Shared.Return(_entries);
                _entries = [];
            }
        }

        // Offsets are relative to the message start; leading keep-alive CRLFs are dropped.
        private SipHeaderEntry[] Rebase(SipHeaderEntry[] headers)
        {
            if (_start == 0)
            {
                return headers;
            }

            for (var i = 0; i < headers.Length; i++)
            {
                var h = headers[i];
                headers[i] = h with { LineStart = h.LineStart - _start, ValueStart = h.ValueStart - _start };
            }

            return headers;
        }

        private bool ScanHeaders(int position, int end)
        {
            var span = _data.Span;
            while (position < end)
            {
                var lineLength = span[position..end].IndexOf("\r\n"u8);
                var lineStop = lineLength < 0 ? end : position + lineLength;
                var line = span[position..lineStop];
                if (line.IsEmpty)
                {
                    break;
                }

                if (line[0] is (byte)' ' or (byte)'\t')
                {
                    // Folded continuation of the previous header (§7.3.1).
                    if (_entryCount == 0)
                    {
                        return Fail(SipParseErrorCode.MalformedHeader, "continuation line before any header", 400, "Bad Request - Malformed Header", answerable: false);
                    }

                    ref var previous = ref _entries[_entryCount - 1];
                    var trimmedEnd = lineStop;
                    while (trimmedEnd > position && span[trimmedEnd - 1] is (byte)' ' or (byte)'\t')
                    {
                        trimmedEnd--;
                    }

                    if (trimmedEnd > position)
                    {
                        if (previous.ValueLength == 0)
                        {
                            var first = position;
                            while (span[first] is (byte)' ' or (byte)'\t')
                            {
                                first++;
                            }

                            previous = previous with { ValueStart = first, ValueLength = trimmedEnd - first };
                        }
                        else
                        {
                            previous = previous with { ValueLength = trimmedEnd - previous.ValueStart };
                        }
                    }
                }
                else if (!AddHeader(position, line))
                {
                    return false;
                }

                position = lineStop + 2;
            }

            return true;
        }

        private bool AddHeader(int position, ReadOnlySpan<byte> line)
        {
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return Fail(SipParseErrorCode.MalformedHeader, "header line without a name and colon", 400, "Bad Request - Malformed Header", answerable: false);
            }

            var nameEnd = colon;
            while (nameEnd > 0 && line[nameEnd - 1] is (byte)' ' or (byte)'\t')
            {
                nameEnd--;
            }

            var name = line[..nameEnd];
            if (!SipSyntax.IsToken(name))
            {
                return Fail(SipParseErrorCode.MalformedHeader, "header name is not a token", 400, "Bad Request - Malformed Header", answerable: false);
            }

            if (_entryCount == MaxHeaderLines)
            {
                return Fail(SipParseErrorCode.TooLarge, $"more than {MaxHeaderLines} header lines", 513, "Message Too Large", answerable: false);
            }

            var valueStart = colon + 1;
            while (valueStart < line.Length && line[valueStart] is (byte)' ' or (byte)'\t')
            {
                valueStart++;
            }

            var valueEnd = line.Length;
            while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
            {
                valueEnd--;
            }

            if (_entryCount == _entries.Length)
            {
                var bigger = ArrayPool<SipHeaderEntry>.Shared.Rent(_entries.Length * 2);
                _entries.AsSpan().CopyTo(bigger);
                ArrayPool<SipHeaderEntry>.Shared.Return(_entries);
                _entries = bigger;
            }

            _entries[_entryCount++] = new SipHeaderEntry(SipHeaderNames.Identify(name), position, nameEnd, position + valueStart, valueEnd - valueStart);
            return true;
        }

        private bool Fail(SipParseErrorCode code, string detail, int status, string reason, bool answerable = true)
        {
            if (!_isRequest)
            {
                // §18.1.2 / RFC 4475 scalarlg, bigcode: a malformed response is dropped silently.
                status = 0;
            }

            Error = new SipParseError(code, detail, status, reason, _data, answerable && _viaIntact ? CollectAnswerHeaders() : null);
            return false;
        }

        // The Via, From, To, Call-ID and CSeq lines a stateless answer must echo (§8.2.6.2).
        private (int Start, int Length)[]? CollectAnswerHeaders()
        {
            bool via = false, from = false, to = false, callId = false, cseq = false;
            var lines = new List<(int, int)>(8);
            for (var i = 0; i < _entryCount; i++)
            {
                var h = _entries[i];
                var wanted = h.Id switch
                {
                    SipHeaderId.Via => via = true,
                    SipHeaderId.From when !from => from = true,
                    SipHeaderId.To when !to => to = true,
                    SipHeaderId.CallId when !callId => callId = true,
                    SipHeaderId.CSeq when !cseq => cseq = true,
                    _ => false,
                };
                if (wanted)
                {
                    lines.Add((h.LineStart, h.LineLength));
                }
            }

            return via && from && to && callId && cseq ? [.. lines] : null;
        }

        private bool TryParseRequestLine(ReadOnlySpan<byte> line, [NotNullWhen(true)] out string? method, [NotNullWhen(true)] out SipUri? uri)
        {
            method = null;
            uri = null;

            // Request-Line = Method SP Request-URI SP SIP-Version: exactly two single SPs, so
            // RFC 4475 lwsstart, trws and lwsruri are refused rather than guessed at.
            var firstSpace = line.IndexOf((byte)' ');
            var lastSpace = line.LastIndexOf((byte)' ');
            if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || line[(firstSpace + 1)..lastSpace].IndexOf((byte)' ') >= 0)
            {
                return Fail(SipParseErrorCode.MalformedStartLine, "Request-Line is not Method SP Request-URI SP SIP-Version", 400, "Bad Request - Malformed Request-Line");
            }

            var methodBytes = line[..firstSpace];
            if (!SipSyntax.IsToken(methodBytes))
            {
                return Fail(SipParseErrorCode.MalformedStartLine, "method is not a token", 400, "Bad Request - Malformed Method");
            }

            if (!CheckVersion(line[(lastSpace + 1)..]))
            {
                return false;
            }

            var uriBytes = line[(firstSpace + 1)..lastSpace];
            var uriText = Encoding.UTF8.GetString(uriBytes);
            if (uriText.AsSpan().ContainsAny("<>\"\t"))
            {
                return Fail(SipParseErrorCode.MalformedRequestUri, "Request-URI holds '<', '>' or '\"'", 400, "Bad Request - Malformed Request-URI");
            }

            if (!SipUri.TryParse(uriText, out uri, out var reason))
            {
                return Fail(SipParseErrorCode.MalformedRequestUri, "Request-URI: " + reason, 400, "Bad Request - Malformed Request-URI");
            }

            if (!uri.IsSip && !uri.IsTel)
            {
                // §8.2.2.1: a scheme we do not understand is answered 416 (RFC 4475 unkscm, novelsc).
                return Fail(SipParseErrorCode.UnsupportedUriScheme, "Request-URI scheme " + uri.Scheme, 416, "Unsupported URI Scheme");
            }

            if (uri.Headers.Count > 0)
            {
                // §19.1.1 forbids headers in a Request-URI (RFC 4475 escruri).
                return Fail(SipParseErrorCode.MalformedRequestUri, "Request-URI carries headers", 400, "Bad Request - Malformed Request-URI");
            }

            method = SipMethods.FromBytes(methodBytes);
            return true;
        }

        private bool CheckVersion(ReadOnlySpan<byte> version)
        {
            if (Ascii.EqualsIgnoreCase(version, "SIP/2.0"u8))
            {
                return true;
            }

            if (version.Length > 4 && Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8) && IsVersionNumber(version[4..]))
            {
                return Fail(SipParseErrorCode.UnsupportedVersion, "SIP version " + Encoding.ASCII.GetString(version), 505, "Version Not Supported");
            }

            return Fail(SipParseErrorCode.MalformedStartLine, "malformed SIP-Version", 400, "Bad Request - Malformed SIP-Version");
        }

        private static bool IsVersionNumber(ReadOnlySpan<byte> text)
        {
            var dot = text.IndexOf((byte)'.');
            return dot > 0 && dot < text.Length - 1
                && !text[..dot].ContainsAnyExceptInRange((byte)'0', (byte)'9')
                && !text[(dot + 1)..].ContainsAnyExceptInRange((byte)'0', (byte)'9');
        }

        private bool TryParseStatusLine(ReadOnlySpan<byte> line, out int status, out string reason)
        {
            status = 0;
            reason = string.Empty;
            var firstSpace = line.IndexOf((byte)' ');
            if (firstSpace < 0 || !CheckVersion(line[..firstSpace]))
            {
                return Error is not null
                    ? false
                    : Fail(SipParseErrorCode.MalformedStartLine, "malformed Status-Line", 0, string.Empty);
            }

            var rest = line[(firstSpace + 1)..];
            var codeEnd = rest.IndexOf((byte)' ');
            var code = codeEnd < 0 ? rest : rest[..codeEnd];
            if (code.Length != 3 || code.ContainsAnyExceptInRange((byte)'0', (byte)'9') || code[0] is < (byte)'1' or > (byte)'6')
            {
                // RFC 4475 bigcode: "4294967301" is dropped, never answered.
                return Fail(SipParseErrorCode.MalformedStatusCode, "status code is not 100-699", 0, string.Empty);
            }

            status = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');
            reason = codeEnd < 0 ? string.Empty : Encoding.UTF8.GetString(rest[(codeEnd + 1)..]);
            return true;
        }
    }
}
