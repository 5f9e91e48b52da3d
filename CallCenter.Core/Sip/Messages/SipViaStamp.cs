using System.Globalization;
using System.Net;
using System.Text;

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
        var builder = new StringBuilder(semicolon < 0 ? text.TrimEnd() : text[..semicolon].TrimEnd());
        var address = source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address;
        var addressText = address.ToString();
        var sentByIsSource = IPAddress.TryParse(via.Host.Trim('[', ']'), out var sentBy) && sentBy.Equals(address);
        foreach (var parameter in via.Parameters)
        {
            if (string.Equals(parameter.Name, "received", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            builder.Append(';');
            if (string.Equals(parameter.Name, "rport", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append("rport=").Append(source.Port.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(parameter.ToString());
            }
        }

        if (via.HasRPort || !sentByIsSource)
        {
            builder.Append(";received=").Append(addressText);
        }

        return builder.ToString();
    }
}
