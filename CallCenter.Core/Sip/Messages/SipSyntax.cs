using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace CallCenter.Core.Sip.Messages;

// Character classes and small lexical helpers from the RFC 3261 §25.1 grammar.
public static class SipSyntax
{
    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~");

    // unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
    private static readonly SearchValues<char> UnreservedChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()");

    // user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
    private static readonly SearchValues<char> UserChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/%");

    // password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
    private static readonly SearchValues<char> PasswordChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,%");

    // paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
    private static readonly SearchValues<char> ParamChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()[]/:&+$%");

    // hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
    private static readonly SearchValues<char> HeaderChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()[]/?:+$%");

    private static readonly SearchValues<char> HostChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~"u8);

    // Tokens that nearly every message repeats (protocol, transports, the parameters of Via, From, To and Contact):
    // the parsers hand out these shared instances instead of a new string each time. Matched exactly, so a value
    // keeps the case it was written in.
    private static readonly FrozenSet<string> CommonTokens = FrozenSet.Create(
        StringComparer.Ordinal,
        "SIP", "2.0", "UDP", "TCP", "TLS", "SCTP", "WS", "WSS", "udp", "tcp", "tls", "sctp", "ws", "wss",
        "branch", "rport", "received", "maddr", "ttl", "tag", "expires", "q", "transport", "lr", "user", "method",
        "phone", "ip", "ob", "rinstance", "reg-id", "+sip.instance", "sip", "sips", "tel");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> CommonTokenLookup =
        CommonTokens.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsToken(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(TokenChars);

    // The text as a string: a shared instance for the common tokens above, a new string otherwise.
    internal static string Intern(ReadOnlySpan<char> text) =>
        CommonTokenLookup.TryGetValue(text, out var shared) ? shared : text.ToString();

    // `part` as a string, reusing `whole` when the part is all of it (a header with one value).
    internal static string Slice(string whole, ReadOnlySpan<char> part) =>
        part.Length == whole.Length ? whole : part.ToString();

    public static bool IsToken(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExcept(TokenBytes);

    internal static bool IsTokenChar(char c) => TokenChars.Contains(c);

    internal static bool IsUserText(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(UserChars) && IsEscapingValid(text);

    internal static bool IsPasswordText(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(PasswordChars) && IsEscapingValid(text);

    internal static bool IsParamText(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(ParamChars) && IsEscapingValid(text);

    internal static bool IsHeaderText(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(HeaderChars) && IsEscapingValid(text);

    internal static bool IsHostnameText(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept(HostChars);

    internal static bool IsUnreserved(char c) => UnreservedChars.Contains(c);

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    // Every '%' must start a %HH triplet where escaping is allowed (RFC 3261 §25.1 "escaped").
    private static bool IsEscapingValid(ReadOnlySpan<char> text)
    {
        for (var i = text.IndexOf('%'); i >= 0; i = NextPercent(text, i + 3))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    private static int NextPercent(ReadOnlySpan<char> text, int from)
    {
        if (from >= text.Length)
        {
            return -1;
        }

        var next = text[from..].IndexOf('%');
        return next < 0 ? -1 : from + next;
    }

    // Unescapes %HH; the result is bytes decoded as UTF-8 because an escaped user part may
    // carry any octet (RFC 4475 escnull: "%00" is a NUL inside the user, not a terminator).
    public static string Unescape(ReadOnlySpan<char> text)
    {
        if (text.IndexOf('%') < 0)
        {
            return text.ToString();
        }

        var bytes = text.Length <= 256 ? stackalloc byte[text.Length * 3] : new byte[text.Length * 3];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                bytes[n++] = (byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]));
                i += 2;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(text.Slice(i, 1), bytes[n..]);
            }
        }

        return Encoding.UTF8.GetString(bytes[..n]);
    }

    // Escapes every character outside `allowed` as %HH of its UTF-8 bytes.
    public static string Escape(string text, Func<char, bool> allowed)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(allowed);
        var builder = new StringBuilder(text.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80 && allowed(c))
            {
                builder.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < text.Length
                ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                builder.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    public static string EscapeUser(string user) => Escape(user, c => UserChars.Contains(c) && c != '%');

    public static string EscapeParameter(string value) => Escape(value, c => ParamChars.Contains(c) && c != '%');

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    // quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE. Returns the index just past
    // the closing quote, or -1 if the string is not terminated (RFC 4475 quotbal).
    internal static int SkipQuotedString(ReadOnlySpan<char> text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i + 1;
            }
        }

        return -1;
    }

    public static string Unquote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var inner = value.AsSpan(1, value.Length - 2);
        if (inner.IndexOf('\\') < 0)
        {
            return inner.ToString();
        }

        var builder = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }

            builder.Append(inner[i]);
        }

        return builder.ToString();
    }

    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }

    internal static int SkipWhitespace(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && IsWhitespace(text[i]))
        {
            i++;
        }

        return i;
    }

    // Splits a header value at top-level commas: not inside a quoted string, not inside <...>
    // (a URI may carry commas in its user part or headers, RFC 3261 §7.3.1 / §20).
    public static IReadOnlyList<string> SplitList(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = new List<string>(2);
        TrySplitList(value, parts, allowEmpty: true);
        return parts;
    }

    // Strict form for headers with a defined list grammar (Via, Contact, Route): an empty
    // element (RFC 4475 badinv01 "192.0.2.15;;,;,,") or an unbalanced quote or bracket is an error.
    internal static bool TrySplitList(string value, List<string> parts, bool allowEmpty)
    {
        var span = value.AsSpan();
        var start = 0;
        var inAngle = false;
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c == '"' && !inAngle)
            {
                var end = SkipQuotedString(span, i);
                if (end < 0)
                {
                    AddTrimmed(parts, value, span[start..], allowEmpty);
                    return false;
                }

                i = end - 1;
            }
            else if (c == '<')
            {
                inAngle = true;
            }
            else if (c == '>')
            {
                inAngle = false;
            }
            else if (c == ',' && !inAngle)
            {
                if (!AddTrimmed(parts, value, span[start..i], allowEmpty))
                {
                    return false;
                }

                start = i + 1;
            }
        }

        return AddTrimmed(parts, value, span[start..], allowEmpty) && !inAngle;
    }

    private static bool AddTrimmed(List<string> parts, string value, ReadOnlySpan<char> part, bool allowEmpty)
    {
        var trimmed = part.Trim(" \t\r\n");
        if (!trimmed.IsEmpty)
        {
            parts.Add(Slice(value, trimmed));
            return true;
        }

        return allowEmpty;
    }
}
