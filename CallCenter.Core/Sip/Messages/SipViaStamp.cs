using System.Globalization;
using System.Net;

namespace CallCenter.Core.Sip.Messages;

/// <summary>
/// Marks the top Via of a received request with where it really came from, so that responses find their way
/// back through NAT: RFC 3261 §18.2.1 (received= when the sent-by host is not the source address) and
/// RFC 3581 §4 (a request that asked with a bare ;rport gets rport=port and, always, received=).
/// </summary>
public static class SipViaStamp
{
    public static string Stamp(SipVia via, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(via);
        ArgumentNullException.ThrowIfNull(source);
        var text = via.ToString();

        // Parameters start at the first ';' — a bracketed IPv6 sent-by contains ':' but never ';'.
        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        var head = (semicolon < 0 ? text.AsSpan() : text.AsSpan(0, semicolon)).TrimEnd();
        var address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        var addressText = address.ToString();
        var port = source.Port.ToString(CultureInfo.InvariantCulture);

        // One pass to size the result, one to write it: a Via is stamped on every response.
        var length = head.Length;
        for (var i = 0; i < via.Parameters.Count; i++)
        {
            var parameter = via.Parameters[i];
            if (IsNamed(parameter, "received"))
            {
                continue;
            }

            length += 1 + (IsNamed(parameter, "rport") ? "rport=".Length + port.Length : parameter.Name.Length + (parameter.Value is null ? 0 : 1 + parameter.Value.Length));
        }

        var received = via.HasRPort || !SentByIs(via.Host, address, addressText);
        if (received)
        {
            length += ";received=".Length + addressText.Length;
        }

        return string.Create(length, (via, head.Length, addressText, port, received), static (span, state) =>
        {
            var (via, headLength, addressText, port, received) = state;
            var n = Append(span, 0, via.ToString().AsSpan(0, headLength));
            for (var i = 0; i < via.Parameters.Count; i++)
            {
                // An old received= is dropped: ours replaces it.
                var parameter = via.Parameters[i];
                if (IsNamed(parameter, "received"))
                {
                    continue;
                }

                n = Append(span, n, ";");
                if (IsNamed(parameter, "rport"))
                {
                    n = Append(span, Append(span, n, "rport="), port);
                }
                else
                {
                    n = Append(span, n, parameter.Name);
                    if (parameter.Value is not null)
                    {
                        n = Append(span, Append(span, n, "="), parameter.Value);
                    }
                }
            }

            if (received)
            {
                Append(span, Append(span, n, ";received="), addressText);
            }
        });
    }

    private static bool IsNamed(SipParameter parameter, string name) => string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase);

    // §18.2.1: received= is added when the sent-by host is not the source address. The same text is the same address
    // (the common case, decided without parsing); otherwise the host is parsed and compared as an address.
    private static bool SentByIs(string host, IPAddress address, string addressText)
    {
        var bare = host.AsSpan().Trim("[]");
        return bare.SequenceEqual(addressText) || (IPAddress.TryParse(bare, out var sentBy) && sentBy.Equals(address));
    }

    private static int Append(Span<char> span, int at, ReadOnlySpan<char> text)
    {
        text.CopyTo(span[at..]);
        return at + text.Length;
    }
}
