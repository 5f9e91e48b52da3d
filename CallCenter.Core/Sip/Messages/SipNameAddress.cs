using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CallCenter.Core.Sip.Messages;

// name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route,
// RFC 3261 §20.10 and §25.1), or the Contact wildcard "*". Immutable.
public sealed class SipNameAddress
{
    private static readonly SipParameter[] NoParameters = [];
    private readonly string _text;

    private SipNameAddress(string text, string? displayName, SipUri? uri, IReadOnlyList<SipParameter> parameters, bool bracketed)
    {
        _text = text;
        DisplayName = displayName;
        Uri = uri;
        Parameters = parameters;
        IsBracketed = bracketed;
    }

    public static SipNameAddress Wildcard { get; } = new("*", null, null, NoParameters, false);

    // Unquoted, with quoted-pairs expanded; null when there is none.
    public string? DisplayName { get; }

    // Null only for the Contact wildcard.
    public SipUri? Uri { get; }

    public IReadOnlyList<SipParameter> Parameters { get; }

    // True when the URI was written in <...> (name-addr form).
    public bool IsBracketed { get; }

    public bool IsWildcard => Uri is null;

    public string? Tag => GetParameter("tag");

    // Contact "expires" parameter; null when absent or out of the 32-bit range (RFC 4475 scalar02).
    public uint? Expires =>
        uint.TryParse(GetParameter("expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public double? Q =>
        double.TryParse(GetParameter("q"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1 ? value : null;

    // Unquoted value; "" for a flag parameter; null when absent.
    public string? GetParameter(string name)
    {
        var raw = SipParameter.Find(Parameters, name);
        return raw is null ? null : SipSyntax.Unquote(raw);
    }

    public override string ToString() => _text;

    public static SipNameAddress Create(SipUri uri, string? displayName = null, IEnumerable<SipParameter>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = displayName is null ? "<" + uri + ">" : SipSyntax.Quote(displayName) + " <" + uri + ">";
        var list = parameters?.ToArray() ?? NoParameters;
        foreach (var p in list)
        {
            text += ";" + p;
        }

        return new SipNameAddress(text, displayName, uri, list, true);
    }

    // Returns a copy with the parameter added or replaced (e.g. a To tag added by a UAS).
    public SipNameAddress WithParameter(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Uri is null)
        {
            throw new InvalidOperationException("The Contact wildcard has no parameters.");
        }

        var list = new List<SipParameter>(Parameters.Count + 1);
        foreach (var p in Parameters)
        {
            if (!string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(p);
            }
        }

        list.Add(new SipParameter(name, value));
        var text = (DisplayName is null ? string.Empty : SipSyntax.Quote(DisplayName) + " ") + "<" + Uri + ">";
        foreach (var p in list)
        {
            text += ";" + p;
        }

        return new SipNameAddress(text, DisplayName, Uri, [.. list], true);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipNameAddress? value) => TryParse(text, out value, out _);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipNameAddress? value, [NotNullWhen(false)] out string? reason)
    {
        value = null;
        var span = (text ?? string.Empty).AsSpan().Trim(" \t\r\n");
        if (span.IsEmpty)
        {
            reason = "empty value";
            return false;
        }

        if (span is "*")
        {
            value = Wildcard;
            reason = null;
            return true;
        }

        string? displayName = null;
        int uriStart, uriEnd, rest;
        var bracketed = false;
        if (span[0] == '"')
        {
            var end = SipSyntax.SkipQuotedString(span, 0);
            if (end < 0)
            {
                reason = "unterminated quoted display name";
                return false;
            }

            displayName = SipSyntax.Unquote(span[..end].ToString());
            var lt = SipSyntax.SkipWhitespace(span, end);
            if (lt >= span.Length || span[lt] != '<')
            {
                reason = "display name not followed by <URI>";
                return false;
            }

            uriStart = lt + 1;
        }
        else
        {
            var lt = span.IndexOf('<');
            var semicolon = span.IndexOf(';');
            if (lt >= 0 && (semicolon < 0 || lt < semicolon))
            {
                // Unquoted display name: *(token LWS). RFC 4475 lwsdisp allows no LWS before '<';
                // baddn ("Bell, Alexander <...>") has a non-token character and is rejected.
                var tokens = span[..lt].Trim(" \t\r\n");
                foreach (var range in tokens.SplitAny(" \t\r\n"))
                {
                    var token = tokens[range];
                    if (!token.IsEmpty && !SipSyntax.IsToken(token))
                    {
                        reason = "display name has non-token characters and is not quoted";
                        return false;
                    }
                }

                displayName = tokens.IsEmpty ? null : tokens.ToString();
                uriStart = lt + 1;
            }
            else
            {
                uriStart = -1;
            }
        }

        if (uriStart >= 0)
        {
            var gt = span[uriStart..].IndexOf('>');
            if (gt < 0)
            {
                reason = "missing '>'";
                return false;
            }

            uriEnd = uriStart + gt;
            rest = uriEnd + 1;
            bracketed = true;
            if (span[uriStart..uriEnd].ContainsAny(" \t\r\n"))
            {
                reason = "whitespace inside <URI>";
                return false;
            }
        }
        else
        {
            // addr-spec: a URI holding ',', '?' or ';' must be in <> (§20.10), so the first ';'
            // starts the header parameters and '?' or ',' make it malformed (RFC 4475 regbadct).
            uriStart = 0;
            var semicolon = span.IndexOf(';');
            uriEnd = semicolon < 0 ? span.Length : semicolon;
            rest = uriEnd;
            var uriText = span[..uriEnd].TrimEnd(" \t\r\n");
            if (uriText.ContainsAny("?, \t\r\n<>\""))
            {
                reason = "addr-spec must be enclosed in <> when it has '?' or ','";
                return false;
            }

            uriEnd = uriText.Length;
        }

        if (!SipUri.TryParse(span[uriStart..uriEnd].ToString(), out var uri, out var uriReason))
        {
            reason = uriReason;
            return false;
        }

        IReadOnlyList<SipParameter> parameters = NoParameters;
        var tail = span[rest..];
        if (!tail.Trim(" \t\r\n").IsEmpty)
        {
            var list = new List<SipParameter>(2);
            if (!SipParameter.TryParseHeaderParameters(tail, list))
            {
                reason = "malformed header parameter";
                return false;
            }

            parameters = list;
        }

        value = new SipNameAddress(SipSyntax.Slice(text!, span), displayName, uri, parameters, bracketed);
        reason = null;
        return true;
    }
}
