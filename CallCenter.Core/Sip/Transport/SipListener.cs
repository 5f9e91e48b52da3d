using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Transport;

/// <summary>One bound listener socket: one element of the configuration is one socket of its transport.</summary>
public sealed class SipListener
{
    internal SipListener(SipListenerOptions options, int index, Socket socket)
    {
        Options = options;
        Index = index;
        Socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public SipListenerOptions Options { get; }

    /// <summary>Position in the configured list; stable for the life of the manager.</summary>
    public int Index { get; }

    public SipTransport Transport => Options.Transport;

    /// <summary>The address and port actually bound: a configured port 0 shows the ephemeral port here.</summary>
    public IPEndPoint LocalEndPoint { get; }

    internal Socket Socket { get; }

    /// <summary>TLS listeners only: the server certificate, loaded once at start.</summary>
    internal System.Net.Security.SslServerAuthenticationOptions? TlsOptions { get; init; }

    public override string ToString() => $"{Transport.ToString().ToLowerInvariant()}:{LocalEndPoint}";
}
