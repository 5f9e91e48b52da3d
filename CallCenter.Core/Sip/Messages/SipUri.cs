using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sip.Messages;

// A SIP, SIPS or tel URI (RFC 3261 §19.1, RFC 3966), or any other absolute URI kept opaque so
// that a header naming one (RFC 4475 unksm2: "To: isbn:2983792873") still parses.
// Immutable; ToString() returns the text exactly as it was parsed.
public sealed partial class SipUri : IEquatable<SipUri>
{
    private static readonly SipParameter[] NoParameters = [];

    private readonly string _text;

    private SipUri(string text, string scheme)
    {
        _text = text;
        Scheme = scheme;
        Host = string.Empty;
        Parameters = NoParameters;
        Headers = NoParameters;
    }

    // Lower case: "sip", "sips", "tel", or the scheme of an opaque absolute URI.
    public string Scheme { get; }

    public bool IsSip => Scheme is "sip" or "sips";

    public bool IsSecure => Scheme == "sips";

    public bool IsTel => Scheme == "tel";

    // User part with %HH expanded (RFC 4475 esc01: "%75se%72" is "user"); null when absent.
    // For tel URIs, the telephone-subscriber number.
    public string? User { get; private set; }

    // User part exactly as written, for forwarding and for digest "username" comparisons.
    public string? UserRaw { get; private set; }

    public string? Password { get; private set; }

    // Host as written: hostname, IPv4 literal, or IPv6 reference with its brackets.
    public string Host { get; private set; }

    public int? Port { get; private set; }

    // uri-parameters as written (escapes kept).
    public IReadOnlyList<SipParameter> Parameters { get; private set; }

    // ?headers with hvalue unescaped (RFC 4475 regescrt: "Route=%3Csip:sip.example.com%3E").
    public IReadOnlyList<SipParameter> Headers { get; private set; }

    // The text after "scheme:" for a URI of a scheme we do not interpret.
    public string? Opaque { get; private set; }

    public string? Transport => GetParameter("transport");

    public string? MAddr => GetParameter("maddr");

    public string? UserParameter => GetParameter("user");

    // ";lr" marks a loose router (RFC 3261 §16.4, §19.1.1).
    public bool IsLooseRouter => GetParameter("lr") is not null;

    public bool IsIpLiteral => Host.Length > 0 && (Host[0] == '[' || IPAddress.TryParse(Host, out var a) && a.AddressFamily == AddressFamily.InterNetwork);

    // Value of a uri-parameter, name matched and value returned with escapes expanded once
    // (RFC 4475 esc01: ";n%61me=v%61lue%25%34%31" is name = "value%41"); "" for a flag, null when absent.
    public string? GetParameter(string name)
    {
        for (var i = 0; i < Parameters.Count; i++)
        {
            var parameter = Parameters[i];
            var written = parameter.Name;
            if (string.Equals(written, name, StringComparison.OrdinalIgnoreCase)
                || (written.Contains('%', StringComparison.Ordinal) && string.Equals(SipSyntax.Unescape(written), name, StringComparison.OrdinalIgnoreCase)))
            {
                return parameter.Value is null ? string.Empty : SipSyntax.Unescape(parameter.Value);
            }
        }

        return null;
    }

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri, out var reason) ? uri : throw new FormatException(reason);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipUri? uri) => TryParse(text, out uri, out _);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipUri? uri, [NotNullWhen(false)] out string? reason)
    {
        uri = null;
        if (string.IsNullOrEmpty(text))
        {
            reason = "empty URI";
            return false;
        }

        var colon = text.IndexOf(':');
        if (colon <= 0 || !IsScheme(text.AsSpan(0, colon)))
        {
            reason = "missing scheme";
            return false;
        }

        var scheme = LowerScheme(text.AsSpan(0, colon));
        var rest = text.AsSpan(colon + 1);
        var result = new SipUri(text, scheme);
        var ok = scheme switch
        {
            "sip" or "sips" => result.TryParseSip(rest, out reason),
            "tel" => result.TryParseTel(rest, out reason),
            _ => result.TryParseOpaque(rest, out reason),
        };
        if (!ok)
        {
            reason ??= "malformed URI";
            return false;
        }

        uri = result;
        return true;
    }

    public static SipUri Create(string scheme, string? user, string host, int? port = null, IEnumerable<SipParameter>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentException.ThrowIfNullOrEmpty(host);
        var text = scheme + ":";
        if (!string.IsNullOrEmpty(user))
        {
            text += SipSyntax.EscapeUser(user) + "@";
        }

        text += host.Contains(':', StringComparison.Ordinal) && host[0] != '[' ? "[" + host + "]" : host;
        if (port is not null)
        {
            text += ":" + port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (parameters is not null)
        {
            foreach (var p in parameters)
            {
                text += ";" + p;
            }
        }

        return Parse(text);
    }

    public override string ToString() => _text;

    // Lower case (§19.1.4: the scheme is case-insensitive), shared for the schemes we interpret.
    private static string LowerScheme(ReadOnlySpan<char> scheme)
    {
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase))
        {
            return "sip";
        }

        if (scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            return "sips";
        }

        return scheme.Equals("tel", StringComparison.OrdinalIgnoreCase) ? "tel" : scheme.ToString().ToLowerInvariant();
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (!char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryParseSip(ReadOnlySpan<char> rest, [NotNullWhen(false)] out string? reason)
    {
        // No unescaped '@' may appear after the userinfo (host, params and headers exclude it),
        // so the first one ends the userinfo even when the user part holds ';' or '?' (RFC 4475 intmeth).
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':');
            var user = colon < 0 ? userInfo : userInfo[..colon];
            if (user.IsEmpty || !SipSyntax.IsUserText(user))
            {
                reason = "malformed user part";
                return false;
            }

            if (colon >= 0)
            {
                var password = userInfo[(colon + 1)..];
                if (!SipSyntax.IsPasswordText(password))
                {
                    reason = "malformed password";
                    return false;
                }

                Password = SipSyntax.Unescape(password);
            }

            UserRaw = user.ToString();
            User = user.Contains('%') ? SipSyntax.Unescape(user) : UserRaw;
            rest = rest[(at + 1)..];
        }

        if (!TryParseHostPort(ref rest, out reason))
        {
            return false;
        }

        var question = rest.IndexOf('?');
        var parameterText = question < 0 ? rest : rest[..question];
        if (!TryParseUriParameters(parameterText, out var parameters, out reason))
        {
            return false;
        }

        Parameters = parameters;
        if (question >= 0)
        {
            if (!TryParseHeaders(rest[(question + 1)..], out var headers, out reason))
            {
                return false;
            }

            Headers = headers;
        }

        return true;
    }

    private bool TryParseHostPort(ref ReadOnlySpan<char> rest, [NotNullWhen(false)] out string? reason)
    {
        int hostEnd;
        if (!rest.IsEmpty && rest[0] == '[')
        {
            hostEnd = rest.IndexOf(']') + 1;
            if (hostEnd <= 0 || !IPAddress.TryParse(rest[1..(hostEnd - 1)], out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                reason = "malformed IPv6 reference";
                return false;
            }
        }
        else
        {
            hostEnd = rest.IndexOfAny(":;?");
            if (hostEnd < 0)
            {
                hostEnd = rest.Length;
            }

            var host = rest[..hostEnd];
            if (!SipSyntax.IsHostnameText(host) || host[0] is '-' or '.')
            {
                reason = "malformed host";
                return false;
            }
        }

        Host = rest[..hostEnd].ToString();
        rest = rest[hostEnd..];
        if (!rest.IsEmpty && rest[0] == ':')
        {
            var portEnd = rest.IndexOfAny(";?");
            if (portEnd < 0)
            {
                portEnd = rest.Length;
            }

            if (!TryParsePort(rest[1..portEnd], out var port))
            {
                reason = "malformed port";
                return false;
            }

            Port = port;
            rest = rest[portEnd..];
        }

        reason = null;
        return true;
    }

    internal static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= 65535;
    }

    private static bool TryParseUriParameters(ReadOnlySpan<char> text, out SipParameter[] parameters, [NotNullWhen(false)] out string? reason)
    {
        parameters = NoParameters;
        reason = null;
        if (text.IsEmpty)
        {
            return true;
        }

        if (text[0] != ';')
        {
            reason = "unexpected text after host";
            return false;
        }

        parameters = new SipParameter[text[1..].Count(';') + 1];
        var n = 0;
        foreach (var range in text[1..].Split(';'))
        {
            var part = text[1..][range];
            var equals = part.IndexOf('=');
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? default : part[(equals + 1)..];
            if (name.IsEmpty || !SipSyntax.IsParamText(name) || (equals >= 0 && (value.IsEmpty || !SipSyntax.IsParamText(value))))
            {
                parameters = NoParameters;
                reason = "malformed uri-parameter";
                return false;
            }

            parameters[n++] = new SipParameter(SipSyntax.Intern(name), equals < 0 ? null : SipSyntax.Intern(value));
        }

        return true;
    }

    private static bool TryParseHeaders(ReadOnlySpan<char> text, out SipParameter[] headers, [NotNullWhen(false)] out string? reason)
    {
        headers = NoParameters;
        var list = new List<SipParameter>(1);
        foreach (var range in text.Split('&'))
        {
            var part = text[range];
            var equals = part.IndexOf('=');
            if (equals <= 0 || !SipSyntax.IsHeaderText(part[..equals]) || !SipSyntax.IsHeaderText(part[(equals + 1)..]))
            {
                reason = "malformed URI header";
                return false;
            }

            list.Add(new SipParameter(SipSyntax.Unescape(part[..equals]), SipSyntax.Unescape(part[(equals + 1)..])));
        }

        headers = [.. list];
        reason = null;
        return true;
    }

    // telephone-subscriber (RFC 3966 §3), kept loose: the digits and visual separators, then parameters.
    private bool TryParseTel(ReadOnlySpan<char> rest, [NotNullWhen(false)] out string? reason)
    {
        var semicolon = rest.IndexOf(';');
        var number = semicolon < 0 ? rest : rest[..semicolon];
        if (number.IsEmpty || number.ContainsAnyExcept("0123456789abcdefABCDEF*#+-.()pPwW"))
        {
            reason = "malformed telephone number";
            return false;
        }

        if (!TryParseUriParameters(semicolon < 0 ? default : rest[semicolon..], out var parameters, out reason))
        {
            return false;
        }

        User = UserRaw = number.ToString();
        Parameters = parameters;
        return true;
    }

    private bool TryParseOpaque(ReadOnlySpan<char> rest, [NotNullWhen(false)] out string? reason)
    {
        foreach (var c in rest)
        {
            if (c <= ' ' || c >= 0x7F || c is '<' or '>' or '"')
            {
                reason = "malformed absolute URI";
                return false;
            }
        }

        if (rest.IsEmpty)
        {
            reason = "malformed absolute URI";
            return false;
        }

        Opaque = rest.ToString();
        reason = null;
        return true;
    }
}
