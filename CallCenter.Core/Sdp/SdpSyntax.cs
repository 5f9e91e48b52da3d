using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sdp;

// The small grammar pieces of RFC 8866 §9 shared by the parser, the typed attribute views and the builder.
internal static class SdpSyntax
{
    // RFC 8866 §9: token-char = ALPHA / DIGIT / "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "{" / "|" / "}" / "~"
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '{' or '|' or '}' or '~';

    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }

        return true;
    }

    // RTP payload types are 7 bits (RFC 3550 §5.1).
    public static bool TryParsePayloadType(ReadOnlySpan<char> text, out int payloadType) =>
        TryParseBounded(text, 3, 127, out payloadType);

    public static bool TryParsePort(ReadOnlySpan<char> text, out int port) => TryParseBounded(text, 5, 65535, out port);

    // Digits only (no sign, no spaces): "+5060" and " 5060" are not ports.
    public static bool TryParseBounded(ReadOnlySpan<char> text, int maxDigits, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits || !IsDigits(text))
        {
            return false;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;
    }

    public static bool TryParseUInt64(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        return !text.IsEmpty && text.Length <= 20 && IsDigits(text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    // A unicast address for addrtype IP4 or IP6 is a literal of that family or a host name (RFC 8866 §9). An
    // IP4 "address" of digits and dots that is not a valid literal ("192.168.0.256") is refused rather than
    // mistaken for a host name. Other address types are extensions, kept if they look like a token.
    public static bool IsValidAddress(ReadOnlySpan<char> addressType, ReadOnlySpan<char> address)
    {
        if (address.IsEmpty)
        {
            return false;
        }

        if (addressType.Equals("IP4", StringComparison.OrdinalIgnoreCase))
        {
            if (IsDigitsAndDots(address))
            {
                return IPAddress.TryParse(address, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && CountDots(address) == 3;
            }

            return IsHostName(address);
        }

        if (addressType.Equals("IP6", StringComparison.OrdinalIgnoreCase))
        {
            if (address.Contains(':'))
            {
                return IPAddress.TryParse(address, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
            }

            return IsHostName(address);
        }

        return IsToken(address);
    }

    private static bool IsHostName(ReadOnlySpan<char> text)
    {
        if (text.Length > 253 || text[0] == '.' || text[0] == '-')
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigitsAndDots(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static int CountDots(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                count++;
            }
        }

        return count;
    }
}
