using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CallCenter.Core.Sdp;

public static partial class SdpParser
{
    // One parse: collects the lines of the session section, then of each m= section, and builds the immutable
    // description at the end. Single use.
    private sealed class Parser
    {
        private readonly List<string> _emails = [];
        private readonly List<string> _phones = [];
        private readonly List<SdpBandwidth> _bandwidths = [];
        private readonly List<(ulong Start, ulong Stop, List<string> Repeats)> _timings = [];
        private readonly List<SdpAttribute> _attributes = [];
        private readonly List<SdpMediaDescription> _media = [];
        private SdpOrigin? _origin;
        private string? _sessionName;
        private string? _information;
        private string? _uri;
        private SdpConnection? _connection;
        private string? _timeZones;
        private string? _encryptionKey;
        private MediaDraft? _current;
        private int _line;
        private SdpParseError? _error;

        public bool Run(string text, [NotNullWhen(true)] out SdpSessionDescription? description, out SdpParseError error)
        {
            description = null;
            var span = text.AsSpan();
            var position = 0;
            var lines = 0;
            var physicalLine = 1;
            var sawVersion = false;
            while (position < span.Length)
            {
                var rest = span[position..];
                var breakAt = rest.IndexOfAny('\r', '\n');
                var raw = breakAt < 0 ? rest : rest[..breakAt];
                var lineNumber = physicalLine;
                position += breakAt < 0 ? rest.Length : breakAt + 1;
                if (breakAt >= 0)
                {
                    // CRLF is one line end; a lone CR or LF is one too.
                    if (rest[breakAt] == '\r' && breakAt + 1 < rest.Length && rest[breakAt + 1] == '\n')
                    {
                        position++;
                    }

                    physicalLine++;
                }

                var line = raw.TrimEnd(" \t");
                if (line.IsEmpty)
                {
                    continue;
                }

                _line = lineNumber;
                if (++lines > MaxLines)
                {
                    return Fail(SdpParseErrorCode.TooManyLines, $"more than {MaxLines} lines", out error, lineNumber);
                }

                if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
                {
                    return Fail(SdpParseErrorCode.MalformedLine, "not <type>=<value>", out error, lineNumber);
                }

                foreach (var c in line)
                {
                    if ((c < ' ' && c != '\t') || c == '\x7f')
                    {
                        return Fail(SdpParseErrorCode.InvalidCharacter, $"control character 0x{(int)c:x2}", out error, lineNumber);
                    }
                }

                var type = line[0];
                var value = line[2..];
                if (!sawVersion)
                {
                    // RFC 8866 §5: v= is the first line.
                    if (type != 'v')
                    {
                        return Fail(SdpParseErrorCode.MissingVersion, "the first line is not v=", out error, lineNumber);
                    }

                    if (!value.SequenceEqual("0"))
                    {
                        return Fail(SdpParseErrorCode.UnsupportedVersion, "v= other than 0", out error, lineNumber);
                    }

                    sawVersion = true;
                    continue;
                }

                var ok = _current is null ? SessionLine(type, value) : MediaLine(type, value);
                if (!ok)
                {
                    error = _error!;
                    return false;
                }
            }

            if (!sawVersion)
            {
                return Fail(SdpParseErrorCode.MissingVersion, "no v= line", out error, 0);
            }

            if (_origin is null)
            {
                return Fail(SdpParseErrorCode.MissingOrigin, "no o= line", out error, 0);
            }

            if (_current is not null)
            {
                CloseMedia();
            }

            for (var i = 0; i < _media.Count; i++)
            {
                var media = _media[i];
                if (!media.IsRejected && media.Connections.Count == 0 && _connection is null)
                {
                    return Fail(SdpParseErrorCode.MissingConnection, $"m= section {i + 1} ({media.Media}) has no c= and there is no session-level c=", out error, 0);
                }
            }

            var timings = new SdpTiming[_timings.Count];
            for (var i = 0; i < timings.Length; i++)
            {
                timings[i] = new SdpTiming(_timings[i].Start, _timings[i].Stop, [.. _timings[i].Repeats]);
            }

            description = new SdpSessionDescription(
                _origin,
                _sessionName ?? string.Empty,
                _information,
                _uri,
                [.. _emails],
                [.. _phones],
                _connection,
                [.. _bandwidths],
                timings,
                _timeZones,
                _encryptionKey,
                [.. _attributes],
                [.. _media]);
            error = SdpParseError.None;
            return true;
        }

        private bool SessionLine(char type, ReadOnlySpan<char> value)
        {
            switch (type)
            {
                case 'v':
                    return Fail(SdpParseErrorCode.DuplicateLine, "second v= line");
                case 'o':
                    return _origin is not null
                        ? Fail(SdpParseErrorCode.DuplicateLine, "second o= line")
                        : ParseOrigin(value);
                case 's':
                    return Once(ref _sessionName, value, "s=");
                case 'i':
                    return Once(ref _information, value, "i=");
                case 'u':
                    return Once(ref _uri, value, "u=");
                case 'e':
                    _emails.Add(value.ToString());
                    return true;
                case 'p':
                    _phones.Add(value.ToString());
                    return true;
                case 'c':
                    if (_connection is not null)
                    {
                        return Fail(SdpParseErrorCode.DuplicateLine, "second session-level c= line");
                    }

                    if (!TryParseConnection(value, out var connection))
                    {
                        return false;
                    }

                    _connection = connection;
                    return true;
                case 'b':
                    return ParseBandwidth(value, _bandwidths);
                case 't':
                    return ParseTiming(value);
                case 'r':
                    if (_timings.Count == 0)
                    {
                        return Fail(SdpParseErrorCode.MisplacedLine, "r= without a t= before it");
                    }

                    _timings[^1].Repeats.Add(value.ToString());
                    return true;
                case 'z':
                    return Once(ref _timeZones, value, "z=");
                case 'k':
                    return Once(ref _encryptionKey, value, "k=");
                case 'a':
                    return ParseAttribute(value, _attributes);
                case 'm':
                    return OpenMedia(value);
                default:
                    return Fail(SdpParseErrorCode.UnknownLineType, $"unknown line type '{type}='");
            }
        }

        private bool MediaLine(char type, ReadOnlySpan<char> value)
        {
            var media = _current!;
            switch (type)
            {
                case 'i':
                    return Once(ref media.Information, value, "media-level i=");
                case 'c':
                    if (!TryParseConnection(value, out var connection))
                    {
                        return false;
                    }

                    media.Connections.Add(connection);
                    return true;
                case 'b':
                    return ParseBandwidth(value, media.Bandwidths);
                case 'k':
                    return Once(ref media.EncryptionKey, value, "media-level k=");
                case 'a':
                    return ParseAttribute(value, media.Attributes);
                case 'm':
                    CloseMedia();
                    return OpenMedia(value);
                case 'v' or 'o' or 's' or 'u' or 'e' or 'p' or 't' or 'r' or 'z':
                    return Fail(SdpParseErrorCode.MisplacedLine, $"session-level line '{type}=' inside an m= section");
                default:
                    return Fail(SdpParseErrorCode.UnknownLineType, $"unknown line type '{type}='");
            }
        }

        private bool Once(ref string? field, ReadOnlySpan<char> value, string what)
        {
            if (field is not null)
            {
                return Fail(SdpParseErrorCode.DuplicateLine, "second " + what + " line");
            }

            field = value.ToString();
            return true;
        }

        // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
        private bool ParseOrigin(ReadOnlySpan<char> value)
        {
            Span<Range> parts = stackalloc Range[7];
            var count = SplitFields(value, parts);
            if (count != 6)
            {
                return Fail(SdpParseErrorCode.MalformedOrigin, $"o= has {count} fields, not 6");
            }

            var sessionId = value[parts[1]];
            if (sessionId.Length > 20 || !SdpSyntax.IsDigits(sessionId))
            {
                return Fail(SdpParseErrorCode.MalformedOrigin, "o= session id is not a number of at most 20 digits");
            }

            if (!SdpSyntax.TryParseUInt64(value[parts[2]], out var version))
            {
                return Fail(SdpParseErrorCode.MalformedOrigin, "o= session version is not a 64-bit number");
            }

            if (!SdpSyntax.IsToken(value[parts[3]]) || !SdpSyntax.IsToken(value[parts[4]]))
            {
                return Fail(SdpParseErrorCode.MalformedOrigin, "o= network or address type is not a token");
            }

            _origin = new SdpOrigin(
                value[parts[0]].ToString(),
                sessionId.ToString(),
                version,
                value[parts[3]].ToString(),
                value[parts[4]].ToString(),
                value[parts[5]].ToString());
            return true;
        }

        // c=<nettype> <addrtype> <address>[/<ttl>][/<number of addresses>]
        private bool TryParseConnection(ReadOnlySpan<char> value, [NotNullWhen(true)] out SdpConnection? connection)
        {
            connection = null;
            Span<Range> parts = stackalloc Range[4];
            var count = SplitFields(value, parts);
            if (count != 3)
            {
                return Fail(SdpParseErrorCode.MalformedConnection, $"c= has {count} fields, not 3");
            }

            var networkType = value[parts[0]];
            var addressType = value[parts[1]];
            var address = value[parts[2]];
            if (!SdpSyntax.IsToken(networkType) || !SdpSyntax.IsToken(addressType))
            {
                return Fail(SdpParseErrorCode.MalformedConnection, "c= network or address type is not a token");
            }

            int? ttl = null;
            int? addressCount = null;
            var slash = address.IndexOf('/');
            if (slash >= 0)
            {
                var suffix = address[(slash + 1)..];
                address = address[..slash];
                var second = suffix.IndexOf('/');
                var first = second < 0 ? suffix : suffix[..second];
                if (!SdpSyntax.TryParseBounded(first, 5, 65535, out var firstNumber))
                {
                    return Fail(SdpParseErrorCode.MalformedConnection, "c= address suffix is not a number");
                }

                // RFC 8866 §5.7: IP4 multicast is address/ttl[/n]; IP6 has no TTL, so its one suffix is n.
                if (addressType.Equals("IP6", StringComparison.OrdinalIgnoreCase))
                {
                    if (second >= 0)
                    {
                        return Fail(SdpParseErrorCode.MalformedConnection, "c= IP6 address with two suffixes");
                    }

                    addressCount = firstNumber;
                }
                else
                {
                    if (firstNumber > 255)
                    {
                        return Fail(SdpParseErrorCode.MalformedConnection, "c= TTL above 255");
                    }

                    ttl = firstNumber;
                    if (second >= 0)
                    {
                        if (!SdpSyntax.TryParseBounded(suffix[(second + 1)..], 5, 65535, out var n))
                        {
                            return Fail(SdpParseErrorCode.MalformedConnection, "c= number of addresses is not a number");
                        }

                        addressCount = n;
                    }
                }
            }

            if (!SdpSyntax.IsValidAddress(addressType, address))
            {
                return Fail(SdpParseErrorCode.MalformedConnection, $"c= address '{Clip(address)}' is not valid for {Clip(addressType)}");
            }

            connection = new SdpConnection(networkType.ToString(), addressType.ToString(), address.ToString(), ttl, addressCount);
            return true;
        }

        // b=<bwtype>:<bandwidth>
        private bool ParseBandwidth(ReadOnlySpan<char> value, List<SdpBandwidth> into)
        {
            var colon = value.IndexOf(':');
            if (colon <= 0 || !SdpSyntax.IsToken(value[..colon]) || !SdpSyntax.TryParseUInt64(value[(colon + 1)..], out var amount))
            {
                return Fail(SdpParseErrorCode.MalformedBandwidth, "b= is not <type>:<number>");
            }

            into.Add(new SdpBandwidth(value[..colon].ToString(), amount));
            return true;
        }

        // t=<start> <stop>
        private bool ParseTiming(ReadOnlySpan<char> value)
        {
            Span<Range> parts = stackalloc Range[3];
            if (SplitFields(value, parts) != 2
                || !SdpSyntax.TryParseUInt64(value[parts[0]], out var start)
                || !SdpSyntax.TryParseUInt64(value[parts[1]], out var stop))
            {
                return Fail(SdpParseErrorCode.MalformedTiming, "t= is not two numbers");
            }

            _timings.Add((start, stop, []));
            return true;
        }

        // a=<name>[:<value>]
        private bool ParseAttribute(ReadOnlySpan<char> value, List<SdpAttribute> into)
        {
            var colon = value.IndexOf(':');
            var name = colon < 0 ? value : value[..colon];
            if (!SdpSyntax.IsToken(name))
            {
                return Fail(SdpParseErrorCode.MalformedAttribute, "attribute name is not a token");
            }

            into.Add(new SdpAttribute(name.ToString(), colon < 0 ? null : value[(colon + 1)..].ToString()));
            return true;
        }

        // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
        private bool OpenMedia(ReadOnlySpan<char> value)
        {
            if (_media.Count >= MaxMediaDescriptions)
            {
                return Fail(SdpParseErrorCode.TooManyMedia, $"more than {MaxMediaDescriptions} m= lines");
            }

            Span<Range> parts = stackalloc Range[MaxFormats + 4];
            var count = SplitFields(value, parts);
            if (count > MaxFormats + 3)
            {
                return Fail(SdpParseErrorCode.TooManyFormats, $"more than {MaxFormats} formats");
            }

            if (count < 4)
            {
                return Fail(SdpParseErrorCode.MalformedMedia, "m= needs media, port, protocol and at least one format");
            }

            var mediaType = value[parts[0]];
            if (!SdpSyntax.IsToken(mediaType))
            {
                return Fail(SdpParseErrorCode.MalformedMedia, "m= media type is not a token");
            }

            var portText = value[parts[1]];
            int? portCount = null;
            var slash = portText.IndexOf('/');
            if (slash >= 0)
            {
                if (!SdpSyntax.TryParseBounded(portText[(slash + 1)..], 5, 65535, out var n) || n == 0)
                {
                    return Fail(SdpParseErrorCode.MalformedPort, "m= number of ports is not a positive number");
                }

                portCount = n;
                portText = portText[..slash];
            }

            if (!SdpSyntax.TryParsePort(portText, out var port))
            {
                return Fail(SdpParseErrorCode.MalformedPort, $"m= port '{Clip(portText)}' is not 0-65535");
            }

            var protocol = value[parts[2]];
            foreach (var c in protocol)
            {
                if (c != '/' && !SdpSyntax.IsTokenChar(c))
                {
                    return Fail(SdpParseErrorCode.MalformedMedia, "m= protocol is not tokens separated by '/'");
                }
            }

            if (protocol.IsEmpty || protocol[0] == '/' || protocol[^1] == '/' || protocol.Contains("//", StringComparison.Ordinal))
            {
                return Fail(SdpParseErrorCode.MalformedMedia, "m= protocol is not tokens separated by '/'");
            }

            var protocolText = protocol.ToString();
            var isRtp = protocolText.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase) || protocolText.Contains("/RTP/", StringComparison.OrdinalIgnoreCase);
            var formats = new string[count - 3];
            for (var i = 0; i < formats.Length; i++)
            {
                var format = value[parts[i + 3]];
                var valid = isRtp ? SdpSyntax.TryParsePayloadType(format, out _) : SdpSyntax.IsToken(format);
                if (!valid)
                {
                    return Fail(SdpParseErrorCode.MalformedFormat, isRtp ? $"m= format '{Clip(format)}' is not an RTP payload type 0-127" : "m= format is not a token");
                }

                formats[i] = format.ToString();
            }

            _current = new MediaDraft(mediaType.ToString(), port, portCount, protocolText, formats);
            return true;
        }

        private void CloseMedia()
        {
            var draft = _current!;
            _media.Add(new SdpMediaDescription(
                draft.Media,
                draft.Port,
                draft.PortCount,
                draft.Protocol,
                draft.Formats,
                draft.Information,
                [.. draft.Connections],
                [.. draft.Bandwidths],
                draft.EncryptionKey,
                [.. draft.Attributes]));
            _current = null;
        }

        // Splits on runs of spaces (RFC 8866 wants one; some stacks write two). Returns the number of fields
        // found, which is parts.Length + 1 when there are more fields than room.
        private static int SplitFields(ReadOnlySpan<char> value, Span<Range> parts)
        {
            var count = 0;
            var i = 0;
            while (i < value.Length)
            {
                while (i < value.Length && value[i] == ' ')
                {
                    i++;
                }

                if (i == value.Length)
                {
                    break;
                }

                var start = i;
                while (i < value.Length && value[i] != ' ')
                {
                    i++;
                }

                if (count == parts.Length)
                {
                    return count + 1;
                }

                parts[count++] = new Range(start, i);
            }

            return count;
        }

        // Wire text quoted in a reason is cut short: the reason goes to logs.
        private static string Clip(ReadOnlySpan<char> text) => text.Length <= 32 ? text.ToString() : text[..32].ToString() + "...";

        private bool Fail(SdpParseErrorCode code, string detail)
        {
            _error = new SdpParseError(code, _line, detail);
            return false;
        }

        private static bool Fail(SdpParseErrorCode code, string detail, out SdpParseError error, int line)
        {
            error = new SdpParseError(code, line, detail);
            return false;
        }

        private sealed class MediaDraft(string media, int port, int? portCount, string protocol, string[] formats)
        {
            public string Media { get; } = media;

            public int Port { get; } = port;

            public int? PortCount { get; } = portCount;

            public string Protocol { get; } = protocol;

            public string[] Formats { get; } = formats;

            public string? Information;

            public string? EncryptionKey;

            public List<SdpConnection> Connections { get; } = [];

            public List<SdpBandwidth> Bandwidths { get; } = [];

            public List<SdpAttribute> Attributes { get; } = [];
        }
    }
}
