using System.Diagnostics.CodeAnalysis;

namespace CallCenter.Core.Sip.Messages;

// CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16). The number is a 32-bit unsigned integer.
public readonly record struct SipCSeq(uint Number, string Method)
{
    public override string ToString() => Number.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + Method;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SipCSeq? value)
    {
        value = null;
        var span = (text ?? string.Empty).AsSpan().Trim(" \t\r\n");
        var i = 0;
        ulong number = 0;
        while (i < span.Length && char.IsAsciiDigit(span[i]))
        {
            number = (number * 10) + (uint)(span[i] - '0');
            if (number > uint.MaxValue)
            {
                return false;
            }

            i++;
        }

        if (i == 0 || i == span.Length || !SipSyntax.IsWhitespace(span[i]))
        {
            return false;
        }

        var method = span[i..].TrimStart(" \t\r\n");
        if (!SipSyntax.IsToken(method))
        {
            return false;
        }

        value = new SipCSeq((uint)number, method.ToString());
        return true;
    }
}
