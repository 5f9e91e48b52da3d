using System.Globalization;
using System.Net;

namespace CallCenter.Core.Sdp;

// Where a stream's RTP or RTCP goes: the address as SDP wrote it (an IP literal in practice, but RFC 8866 also
// allows a host name, which this layer does not resolve) and a port.
public readonly record struct SdpEndpoint(string Address, int Port)
{
    public static SdpEndpoint From(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new SdpEndpoint(endpoint.Address.ToString(), endpoint.Port);
    }

    // Null when the address is a host name.
    public IPEndPoint? ToIPEndPoint() => IPAddress.TryParse(Address, out var address) ? new IPEndPoint(address, Port) : null;

    public override string ToString() =>
        Address.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{Address}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Address}:{Port}");
}
