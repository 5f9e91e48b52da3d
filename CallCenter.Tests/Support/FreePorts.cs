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

    /// <summary>
    /// The first of <paramref name="count"/> consecutive UDP ports free on loopback right now. SIPp binds its media
    /// port and the port two above it (-mp N: audio on N, video on N + 2), so two SIPp processes need blocks apart.
    /// </summary>
    public static int NextUdpBlock(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Next();
            if (first + count > IPEndPoint.MaxPort)
            {
                continue;
            }

            var held = new List<UdpClient>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    held.Add(new UdpClient(new IPEndPoint(IPAddress.Loopback, port)));
                }

                return first;
            }
            catch (SocketException)
            {
                // One of the block is taken: try another.
            }
            finally
            {
                foreach (var socket in held)
                {
                    socket.Dispose();
                }
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free loopback UDP ports found in 50 attempts.");
    }
}
