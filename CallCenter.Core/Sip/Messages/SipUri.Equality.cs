namespace CallCenter.Core.Sip.Messages;

// URI comparison per RFC 3261 §19.1.4. Not a total equivalence (a parameter present on one
// side only is ignored unless it is one of the five listed ones), so GetHashCode covers only
// the parts that must always match.
public sealed partial class SipUri
{
    private static readonly string[] MustMatchParameters = ["user", "ttl", "method", "maddr", "transport"];

    public bool Equals(SipUri? other) => other is not null && Matches(other);

    public override bool Equals(object? obj) => obj is SipUri other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(Scheme, User, StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Port);

    public bool Matches(SipUri other)
    {
        ArgumentNullException.ThrowIfNull(other);

        // The same text is the same URI (a phone's refresh repeats its Contact byte for byte): no need to take the
        // parameters apart, which was most of a refresh's binding lookup.
        if (ReferenceEquals(this, other) || string.Equals(_text, other._text, StringComparison.Ordinal))
        {
            return true;
        }

        if (!string.Equals(Scheme, other.Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        if (!IsSip)
        {
            // tel and opaque URIs: compare the subscriber/opaque text exactly and the parameters
            // case-insensitively, which is what RFC 3966 §4 asks for the parts we interpret.
            return string.Equals(User, other.User, StringComparison.Ordinal)
                && string.Equals(Opaque, other.Opaque, StringComparison.Ordinal)
                && SameParameterSet(Parameters, other.Parameters);
        }

        // userinfo is case-sensitive, compared after unescaping; host is case-insensitive;
        // an explicit port never matches an absent one, even 5060.
        if (!string.Equals(User, other.User, StringComparison.Ordinal)
            || !string.Equals(Password, other.Password, StringComparison.Ordinal)
            || !string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase)
            || Port != other.Port)
        {
            return false;
        }

        foreach (var name in MustMatchParameters)
        {
            var mine = GetParameter(name);
            var theirs = other.GetParameter(name);
            if (!string.Equals(mine, theirs, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        foreach (var parameter in Parameters)
        {
            var name = SipSyntax.Unescape(parameter.Name);
            var theirs = other.FindUnescapedParameter(name, out var found);
            if (found && !string.Equals(parameter.Value is null ? string.Empty : SipSyntax.Unescape(parameter.Value), theirs, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return SameHeaderSet(Headers, other.Headers);
    }

    private string? FindUnescapedParameter(string name, out bool found)
    {
        foreach (var parameter in Parameters)
        {
            if (string.Equals(SipSyntax.Unescape(parameter.Name), name, StringComparison.OrdinalIgnoreCase))
            {
                found = true;
                return parameter.Value is null ? string.Empty : SipSyntax.Unescape(parameter.Value);
            }
        }

        found = false;
        return null;
    }

    private static bool SameParameterSet(IReadOnlyList<SipParameter> a, IReadOnlyList<SipParameter> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var parameter in a)
        {
            var theirs = SipParameter.Find(b, parameter.Name);
            if (theirs is null || !string.Equals(parameter.Value ?? string.Empty, theirs, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    // Header components must all be present on both sides with equal values (§19.1.4).
    private static bool SameHeaderSet(IReadOnlyList<SipParameter> a, IReadOnlyList<SipParameter> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var header in a)
        {
            var theirs = SipParameter.Find(b, header.Name);
            if (theirs is null || !string.Equals(header.Value, theirs, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
