using System.Net;
using System.Net.Sockets;

namespace CallCenter.Tests.Support;

public static class FreePorts
{
    /// <summary>A port free for both TCP and UDP on loopback right now (SIP listens on both with one number).</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP by someone else: try another.
            }
        }

        throw new InvalidOperationException("No free loopback port found in 50 attempts.");
    }
}
