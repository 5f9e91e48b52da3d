using System.Net;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// Where a message came from and how to answer it: the listener it arrived on, the exact remote address and port
/// the packet carried (the source for RFC 3581 received/rport), and for TCP/TLS the connection it was read from.
/// A response sent to a flow leaves by the same socket (UDP: from the listener's port, as NATs expect) or the same
/// connection (RFC 3261 §18.2.2).
/// </summary>
public readonly record struct SipFlow(SipListener Listener, IPEndPoint Remote, long ConnectionId)
{
    public SipTransport Transport => Listener.Transport;

    /// <summary>True for TCP and TLS: the flow is one connection, and it ends when the connection does.</summary>
    public bool IsStream => ConnectionId != 0;

    public override string ToString() =>
        IsStream ? $"{Listener.Transport.ToString().ToLowerInvariant()}:{Remote}#{ConnectionId}" : $"udp:{Remote}";
}
