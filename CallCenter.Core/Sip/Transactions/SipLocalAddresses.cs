using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The address to write in a Via sent-by when the listener is bound to 0.0.0.0 or ::, where the socket itself
/// cannot say. A loopback target gets the loopback address; any other gets the address the OS would route from,
/// learnt by connecting a UDP socket (no packet leaves: connect on a datagram socket only picks the route). Results
/// are cached per destination for a minute (routes change rarely) in a table capped at 4,096 entries. Any thread.
/// </summary>
internal sealed class SipLocalAddresses(TimeProvider time)
{
    private const int MaxEntries = 4_096;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<IPAddress, (IPAddress Local, long Expires)> _routes = new();

    public IPAddress SentBy(IPAddress bound, IPAddress remote)
    {
        if (!bound.Equals(IPAddress.Any) && !bound.Equals(IPAddress.IPv6Any))
        {
            return bound;
        }

        if (IPAddress.IsLoopback(remote))
        {
            return remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }

        var now = time.GetTimestamp();
        if (_routes.TryGetValue(remote, out var cached) && cached.Expires > now)
        {
            return cached.Local;
        }

        var local = Route(remote);
        if (_routes.Count >= MaxEntries)
        {
            _routes.Clear();
        }

        _routes[remote] = (local, now + (long)(Lifetime.TotalSeconds * time.TimestampFrequency));
        return local;
    }

    private static IPAddress Route(IPAddress remote)
    {
        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(remote, 9));
            var address = ((IPEndPoint)probe.LocalEndPoint!).Address;

            // A Via cannot carry an IPv6 zone ("%eth0").
            return address.AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(address.GetAddressBytes()) : address;
        }
        catch (SocketException)
        {
            // No route: the send will fail too and report it; the Via only has to be well-formed.
            return remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }
    }
}
