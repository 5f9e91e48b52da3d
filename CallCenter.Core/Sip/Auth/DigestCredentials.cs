using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// The parameters of one Digest credentials value (the text after "Authorization:" or "Proxy-Authorization:"),
/// RFC 3261 §25.1 dig-resp / RFC 7616 §3.4. Quoted values are stored unquoted with quoted-pairs removed, which is
/// the unq(X) form RFC 7616 §3.4 feeds into the hashes. Immutable; built only by <see cref="TryParse"/>.
/// </summary>
public sealed class DigestCredentials
{
    // A real phone sends at most a dozen parameters; the cap bounds the work an attacker can make us do per value.
    private const int MaxParameters = 32;

    private DigestCredentials(
        string username,
        string realm,
        string nonce,
        string uri,
        string response,
        DigestAlgorithm algorithm,
        bool hasQop,
        string? clientNonce,
        string? nonceCountText,
        uint nonceCount,
        string? opaque)
    {
        Username = username;
        Realm = realm;
        Nonce = nonce;
        Uri = uri;
        Response = response;
        Algorithm = algorithm;
        HasQop = hasQop;
        ClientNonce = clientNonce;
        NonceCountText = nonceCountText;
        NonceCount = nonceCount;
        Opaque = opaque;
    }

    public string Username { get; }
    public string Realm { get; }
    public string Nonce { get; }
    public string Uri { get; }

    /// <summary>The request-digest, lower-cased hex of the algorithm's length (checked by the parser).</summary>
    public string Response { get; }

    /// <summary>MD5 when the parameter was absent (RFC 7616 §3.4: "If this is not present, it is assumed to be MD5").</summary>
    public DigestAlgorithm Algorithm { get; }

    /// <summary>True for qop=auth. False is the RFC 2069 form (no qop, no nc, no cnonce); qop=auth-int is refused.</summary>
    public bool HasQop { get; }

    public string? ClientNonce { get; }

    /// <summary>The nc value exactly as sent (8 hex digits); it enters the hash as text, so case is kept.</summary>
    public string? NonceCountText { get; }

    /// <summary>nc as a number; 0 when <see cref="HasQop"/> is false.</summary>
    public uint NonceCount { get; }

    public string? Opaque { get; }

    /// <summary>Parses a credentials value. Never throws; on false, <paramref name="error"/> says why.</summary>
    public static bool TryParse(
        ReadOnlySpan<char> value,
        [NotNullWhen(true)] out DigestCredentials? credentials,
        out DigestParseError error)
    {
        credentials = null;
        var reader = new Reader(value);
        reader.SkipWhitespace();
        if (reader.AtEnd)
        {
            error = DigestParseError.Empty;
            return false;
        }

        // RFC 7235 §2.1: the scheme is a case-insensitive token followed by at least one space.
        var scheme = reader.ReadToken();
        if (!scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase) || !reader.SkipWhitespace())
        {
            error = DigestParseError.NotDigestScheme;
            return false;
        }

        string? username = null, realm = null, nonce = null, uri = null, response = null;
        string? algorithm = null, clientNonce = null, opaque = null, qop = null, nonceCount = null, userhash = null;
        var seen = 0;
        var count = 0;

        while (true)
        {
            reader.SkipWhitespace();
            if (reader.AtEnd)
            {
                break;
            }

            // RFC 7230 §7: a #list may contain empty elements, which a recipient must accept and ignore.
            if (reader.TryConsume(','))
            {
                continue;
            }

            if (++count > MaxParameters)
            {
                error = DigestParseError.TooManyParameters;
                return false;
            }

            var name = reader.ReadToken();
            reader.SkipWhitespace();
            if (name.IsEmpty || !reader.TryConsume('='))
            {
                error = DigestParseError.Syntax;
                return false;
            }

            reader.SkipWhitespace();
            if (!reader.TryReadValue(out var parsed))
            {
                error = DigestParseError.Syntax;
                return false;
            }

            reader.SkipWhitespace();
            if (!reader.AtEnd && !reader.TryConsume(','))
            {
                error = DigestParseError.Syntax;
                return false;
            }

            var bit = ParameterBit(name);
            if (bit != 0)
            {
                if ((seen & bit) != 0)
                {
                    error = DigestParseError.DuplicateParameter;
                    return false;
                }

                seen |= bit;
            }

            switch (bit)
            {
                case 1 << 0: username = parsed; break;
                case 1 << 1: realm = parsed; break;
                case 1 << 2: nonce = parsed; break;
                case 1 << 3: uri = parsed; break;
                case 1 << 4: response = parsed; break;
                case 1 << 5: algorithm = parsed; break;
                case 1 << 6: clientNonce = parsed; break;
                case 1 << 7: opaque = parsed; break;
                case 1 << 8: qop = parsed; break;
                case 1 << 9: nonceCount = parsed; break;
                case 1 << 10: userhash = parsed; break;
                default: break; // RFC 7616 §3.4: unknown auth-params are ignored.
            }
        }

        error = Validate(
            username, realm, nonce, uri, response, algorithm, clientNonce, qop, nonceCount, userhash,
            out var parsedAlgorithm, out var number);
        if (error != DigestParseError.None)
        {
            return false;
        }

        credentials = new DigestCredentials(
            username!, realm!, nonce!, uri!, response!.ToLowerInvariant(), parsedAlgorithm, qop is not null,
            clientNonce, nonceCount, number, opaque);
        return true;
    }

    public static bool TryParse(string? value, [NotNullWhen(true)] out DigestCredentials? credentials, out DigestParseError error)
    {
        if (value is null)
        {
            credentials = null;
            error = DigestParseError.Empty;
            return false;
        }

        return TryParse(value.AsSpan(), out credentials, out error);
    }

    private static DigestParseError Validate(
        string? username, string? realm, string? nonce, string? uri, string? response, string? algorithm,
        string? clientNonce, string? qop, string? nonceCount, string? userhash,
        out DigestAlgorithm parsedAlgorithm, out uint number)
    {
        parsedAlgorithm = DigestAlgorithm.Md5;
        number = 0;
        if (username is null)
        {
            return DigestParseError.MissingUsername;
        }

        if (realm is null)
        {
            return DigestParseError.MissingRealm;
        }

        if (nonce is null)
        {
            return DigestParseError.MissingNonce;
        }

        if (uri is null)
        {
            return DigestParseError.MissingUri;
        }

        if (response is null)
        {
            return DigestParseError.MissingResponse;
        }

        if (algorithm is not null && !DigestCalculator.TryParseAlgorithm(algorithm, out parsedAlgorithm))
        {
            return DigestParseError.UnsupportedAlgorithm;
        }

        // We never offer userhash (RFC 7616 §3.4.4), so a hashed username could only come from a confused client.
        if (userhash is not null && !userhash.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return DigestParseError.UnsupportedUserhash;
        }

        if (qop is null)
        {
            // RFC 2617 §3.2.2: without qop the client MUST NOT send cnonce or nc.
            if (clientNonce is not null || nonceCount is not null)
            {
                return DigestParseError.UnexpectedNonceCount;
            }
        }
        else
        {
            if (!qop.Equals("auth", StringComparison.OrdinalIgnoreCase))
            {
                return DigestParseError.UnsupportedQop;
            }

            if (nonceCount is null)
            {
                return DigestParseError.MissingNonceCount;
            }

            if (clientNonce is null)
            {
                return DigestParseError.MissingClientNonce;
            }

            // RFC 7616 §3.4: nc is exactly 8 hex digits.
            if (nonceCount.Length != 8 || !uint.TryParse(nonceCount, System.Globalization.NumberStyles.AllowHexSpecifier, null, out number))
            {
                return DigestParseError.MalformedNonceCount;
            }
        }

        if (response.Length != DigestCalculator.HexLength(parsedAlgorithm) || !IsHex(response))
        {
            return DigestParseError.MalformedResponse;
        }

        return DigestParseError.None;
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int ParameterBit(ReadOnlySpan<char> name)
    {
        // Parameter names are case-insensitive (RFC 7235 §2.1).
        if (name.Equals("username", StringComparison.OrdinalIgnoreCase)) return 1 << 0;
        if (name.Equals("realm", StringComparison.OrdinalIgnoreCase)) return 1 << 1;
        if (name.Equals("nonce", StringComparison.OrdinalIgnoreCase)) return 1 << 2;
        if (name.Equals("uri", StringComparison.OrdinalIgnoreCase)) return 1 << 3;
        if (name.Equals("response", StringComparison.OrdinalIgnoreCase)) return 1 << 4;
        if (name.Equals("algorithm", StringComparison.OrdinalIgnoreCase)) return 1 << 5;
        if (name.Equals("cnonce", StringComparison.OrdinalIgnoreCase)) return 1 << 6;
        if (name.Equals("opaque", StringComparison.OrdinalIgnoreCase)) return 1 << 7;
        if (name.Equals("qop", StringComparison.OrdinalIgnoreCase)) return 1 << 8;
        if (name.Equals("nc", StringComparison.OrdinalIgnoreCase)) return 1 << 9;
        if (name.Equals("userhash", StringComparison.OrdinalIgnoreCase)) return 1 << 10;
        return 0;
    }

    private ref struct Reader(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _position;

        public readonly bool AtEnd => _position >= _text.Length;

        /// <summary>Skips SP and HTAB; true when at least one was skipped.</summary>
        public bool SkipWhitespace()
        {
            var start = _position;
            while (_position < _text.Length && (_text[_position] == ' ' || _text[_position] == '\t'))
            {
                _position++;
            }

            return _position > start;
        }

        public bool TryConsume(char c)
        {
            if (_position < _text.Length && _text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        public ReadOnlySpan<char> ReadToken()
        {
            var start = _position;
            while (_position < _text.Length && IsTokenChar(_text[_position]))
            {
                _position++;
            }

            return _text[start.._position];
        }

        /// <summary>A token or a quoted-string (RFC 7230 §3.2.6); quoted-pairs are unescaped.</summary>
        public bool TryReadValue([NotNullWhen(true)] out string? value)
        {
            value = null;
            if (!TryConsume('"'))
            {
                var token = ReadToken();
                if (token.IsEmpty)
                {
                    return false;
                }

                value = token.ToString();
                return true;
            }

            var start = _position;
            var escaped = false;
            while (_position < _text.Length)
            {
                var c = _text[_position];
                if (c == '"')
                {
                    var raw = _text[start.._position];
                    _position++;
                    value = escaped ? Unescape(raw) : raw.ToString();
                    return true;
                }

                if (c == '\\')
                {
                    escaped = true;
                    _position++;
                    if (_position >= _text.Length || !IsQuotedPairChar(_text[_position]))
                    {
                        return false;
                    }
                }
                else if (!IsQuotedTextChar(c))
                {
                    return false;
                }

                _position++;
            }

            return false;
        }

        private static string Unescape(ReadOnlySpan<char> raw)
        {
            var builder = new StringBuilder(raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '\\')
                {
                    i++;
                }

                builder.Append(raw[i]);
            }

            return builder.ToString();
        }

        // RFC 7230 §3.2.6 tchar.
        private static bool IsTokenChar(char c) =>
            char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.'
                or '^' or '_' or '`' or '|' or '~';

        // qdtext: HTAB, SP, VCHAR except '"' and '\', and obs-text (here: any non-ASCII UTF-16 unit, so that a
        // UTF-8 user name decoded by the transport passes through). CR, LF and other controls are refused.
        private static bool IsQuotedTextChar(char c) => c == '\t' || (c >= ' ' && c != '"' && c != '\\' && c != '\x7f');

        private static bool IsQuotedPairChar(char c) => c == '\t' || (c >= ' ' && c != '\x7f');
    }
}
