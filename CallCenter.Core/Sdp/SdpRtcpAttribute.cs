using System.Globalization;

namespace CallCenter.Core.Sdp;

// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1): where RTCP goes when it is not the
// RTP port + 1 on the stream's connection address (NATs and relays that do not allocate port pairs).
public sealed record SdpRtcpAttribute(int Port, SdpConnection? Connection)
{
    public string ToAttributeValue() =>
        Connection is null
            ? Port.ToString(CultureInfo.InvariantCulture)
            : Port.ToString(CultureInfo.InvariantCulture) + " " + Connection.NetworkType + " " + Connection.AddressType + " " + Connection.Address;

    public static bool TryParse(string? value, out SdpRtcpAttribute rtcp)
    {
        rtcp = null!;
        if (value is null)
        {
            return false;
        }

        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (1 or 4) || !SdpSyntax.TryParsePort(parts[0], out var port) || port == 0)
        {
            return false;
        }

        SdpConnection? connection = null;
        if (parts.Length == 4)
        {
            if (!SdpSyntax.IsToken(parts[1]) || !SdpSyntax.IsToken(parts[2]) || !SdpSyntax.IsValidAddress(parts[2], parts[3]))
            {
                return false;
            }

            connection = new SdpConnection(parts[1], parts[2], parts[3]);
        }

        rtcp = new SdpRtcpAttribute(port, connection);
        return true;
    }
}
