using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Transport;

internal static class TransportKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public static SipListenerOptions Listener(SipTransport transport, IPAddress address, int port = 0) =>
        new() { Transport = transport, Address = address, Port = port };

    public static SipOptions Options(SipLimitOptions? limits, params SipListenerOptions[] listeners) => new()
    {
        Realm = "test",
        Domain = "test",
        Listeners = [.. listeners],
        Limits = limits ?? new SipLimitOptions(),
    };

    public static async Task<SipTransportManager> StartAsync(
        ISipTransportHandler handler,
        TimeProvider time,
        SipOptions options,
        SipTransportSettings? settings = null)
    {
        var manager = new SipTransportManager(options, handler, time, NullLogger<SipTransportManager>.Instance, settings);
        await manager.StartAsync();
        return manager;
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Just enough of a message for the stream framer (which needs Content-Length, RFC 3261 §18.3);
    /// the transport hands bytes up unparsed.</summary>
    public static string Request(string tag) => $"OPTIONS sip:{tag}@test SIP/2.0\r\nX: {tag}\r\nContent-Length: 0\r\n\r\n";

    public const string Ok = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";

    public static async Task<Socket> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server).WaitAsync(Patience);
        return socket;
    }

    public static async Task SendAsync(Socket socket, string text) =>
        await socket.SendAsync(Ascii(text), SocketFlags.None).WaitAsync(Patience);

    /// <summary>Reads until a blank line ends a message (the replies in these tests have no body).</summary>
    public static async Task<string> ReadMessageAsync(Stream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer.AsMemory()).AsTask().WaitAsync(Patience);
            if (read == 0)
            {
                throw new IOException("closed before a whole message arrived: " + received);
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    /// <summary>True when the server closed or reset the connection within the patience limit.</summary>
    public static async Task<bool> ClosedByServerAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Patience);
                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A short look for a close that should not happen: nothing to read within 200 ms means still open.</summary>
    public static bool StillOpen(Socket socket) => !socket.Poll(TimeSpan.FromMilliseconds(200), SelectMode.SelectRead);

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }
}
