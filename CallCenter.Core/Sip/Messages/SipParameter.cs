namespace CallCenter.Core.Sip.Messages;

// One ";name[=value]" parameter as written on the wire. Value is null for a flag parameter
// (";lr", ";rport") and keeps its quotes when it was a quoted-string.
public readonly record struct SipParameter(string Name, string? Value)
{
    public string? UnquotedValue => Value is null ? null : SipSyntax.Unquote(Value);

    public override string ToString() => Value is null ? Name : Name + "=" + Value;

    // Index loops: a foreach over the interface would allocate an enumerator on every lookup.
    internal static string? Find(IReadOnlyList<SipParameter> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return parameter.Value ?? string.Empty;
            }
        }

        return null;
    }

    internal static bool Contains(IReadOnlyList<SipParameter> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (string.Equals(parameters[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Header parameters: *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
    // gen-value = token / host / quoted-string, with SWS allowed around ";" and "=" (RFC 3261 §25.1).
    internal static bool TryParseHeaderParameters(ReadOnlySpan<char> text, List<SipParameter> into)
    {
        var i = SipSyntax.SkipWhitespace(text, 0);
        while (i < text.Length)
        {
            if (text[i] != ';')
            {
                return false;
            }

            i = SipSyntax.SkipWhitespace(text, i + 1);
            var nameStart = i;
            while (i < text.Length && SipSyntax.IsTokenChar(text[i]))
            {
                i++;
            }

            if (i == nameStart)
            {
                return false;
            }

            var name = SipSyntax.Intern(text[nameStart..i]);
            i = SipSyntax.SkipWhitespace(text, i);
            string? value = null;
            if (i < text.Length && text[i] == '=')
            {
                i = SipSyntax.SkipWhitespace(text, i + 1);
                var valueStart = i;
                if (i < text.Length && text[i] == '"')
                {
                    i = SipSyntax.SkipQuotedString(text, i);
                    if (i < 0)
                    {
                        return false;
                    }
                }
                else if (i < text.Length && text[i] == '[')
                {
                    var close = text[i..].IndexOf(']');
                    if (close < 0)
                    {
                        return false;
                    }

                    i += close + 1;
                }
                else
                {
                    while (i < text.Length && (SipSyntax.IsTokenChar(text[i]) || text[i] == ':'))
                    {
                        i++;
                    }
                }

                if (i == valueStart)
                {
                    return false;
                }

                value = SipSyntax.Intern(text[valueStart..i]);
                i = SipSyntax.SkipWhitespace(text, i);
            }

            into.Add(new SipParameter(name, value));
        }

        return true;
    }
}
