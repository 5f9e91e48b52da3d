using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Media.Relay;

/// <summary>The RTP socket on an even port and the RTCP socket on the port above, for one leg.</summary>
internal sealed class RtpSocketPair : IDisposable
{
    private RtpSocketPair(Socket rtp, Socket rtcp, int rtpPort)
    {
        Rtp = rtp;
        Rtcp = rtcp;
        RtpPort = rtpPort;
        LocalRtp = (IPEndPoint)rtp.LocalEndPoint!;
        LocalRtcp = (IPEndPoint)rtcp.LocalEndPoint!;
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public int RtpPort { get; }
    public IPEndPoint LocalRtp { get; }
    public IPEndPoint LocalRtcp { get; }

    /// <summary>Binds both ports or neither. The error is AddressAlreadyInUse when another program holds one.</summary>
    public static bool TryBind(IPAddress address, int rtpPort, [NotNullWhen(true)] out RtpSocketPair? pair, out SocketError error)
    {
        pair = null;
        Socket? rtp = null;
        Socket? rtcp = null;
        try
        {
            rtp = Open(address, rtpPort);
            rtcp = Open(address, rtpPort + 1);
            pair = new RtpSocketPair(rtp, rtcp, rtpPort);
            error = SocketError.Success;
            return true;
        }
        catch (SocketException e)
        {
            rtp?.Dispose();
            rtcp?.Dispose();
            error = e.SocketErrorCode;
            return false;
        }
    }

    private static Socket Open(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // Bound to "any", an IPv6 socket also takes IPv4 phones (as mapped addresses); bound to one
                // address it serves that address only.
                socket.DualMode = address.Equals(IPAddress.IPv6Any);
            }

            if (OperatingSystem.IsWindows())
            {
                // SIO_UDP_CONNRESET off, as for SIP: an ICMP port unreachable must not fail the next receive.
                const int SioUdpConnReset = -1744830452;
                socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
            }

            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
