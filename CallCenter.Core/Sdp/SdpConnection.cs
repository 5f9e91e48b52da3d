using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sdp;

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7). Ttl and AddressCount come from the multicast
// suffixes "/ttl[/n]" (IP4) or "/n" (IP6); a call center sees unicast, where both are null.
public sealed record SdpConnection(string NetworkType, string AddressType, string Address, int? Ttl = null, int? AddressCount = null)
{
    public static SdpConnection ForAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var type = address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        return new SdpConnection("IN", type, address.ToString());
    }

    // RFC 3264 §8.4 (after RFC 2543): "c=IN IP4 0.0.0.0" means that neither RTP nor RTCP is to be sent to this
    // party. "::" is taken the same way: no peer can be reached there either.
    public bool IsNullAddress =>
        (AddressType.Equals("IP4", StringComparison.OrdinalIgnoreCase) && Address == "0.0.0.0")
        || (AddressType.Equals("IP6", StringComparison.OrdinalIgnoreCase) && Address == "::");

    public IPAddress? IPAddress => System.Net.IPAddress.TryParse(Address, out var parsed) ? parsed : null;

    public override string ToString()
    {
        var text = NetworkType + " " + AddressType + " " + Address;
        if (Ttl is { } ttl)
        {
            text += "/" + ttl.ToString(CultureInfo.InvariantCulture);
        }

        if (AddressCount is { } count)
        {
            text += "/" + count.ToString(CultureInfo.InvariantCulture);
        }

        return text;
    }
}
