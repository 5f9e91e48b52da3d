namespace CallCenter.Core.Calls;

/// <summary>
/// The body of a SIP INFO carrying a key press the way many phones send it when RFC 4733 is not negotiated
/// (Content-Type application/dtmf-relay, de facto from Cisco and Asterisk): lines "Signal=5" and "Duration=160".
/// Parsed leniently (any line order, spaces, case of the names); anything else is not a digit.
/// </summary>
internal static class DtmfRelayBody
{
    public const string ContentType = "application/dtmf-relay";

    public static bool TryReadSignal(ReadOnlySpan<byte> body, out char digit)
    {
        digit = default;
        var text = System.Text.Encoding.ASCII.GetString(body);
        foreach (var line in text.Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !line[..equals].Trim().Equals("Signal", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length == 1 && (char.IsAsciiDigit(value[0]) || value[0] is '*' or '#' or >= 'A' and <= 'D' or >= 'a' and <= 'd'))
            {
                digit = char.ToUpperInvariant(value[0]);
                return true;
            }

            return false;
        }

        return false;
    }
}
