using System.Net;
using System.Net.Sockets;

namespace CallCenter.Tests.Integration.Media;

/// <summary>A phone's media side on loopback: an RTP and an RTCP socket on ports the system picks. Every
/// receive has a deadline, so a test that waits for a packet that never comes fails instead of hanging.</summary>
internal sealed class TestPhone : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private TestPhone()
    {
        Rtp = Bind();
        Rtcp = Bind();
    }

    public Socket Rtp { get; }
    public Socket Rtcp { get; }
    public IPEndPoint RtpEndPoint => (IPEndPoint)Rtp.LocalEndPoint!;
    public IPEndPoint RtcpEndPoint => (IPEndPoint)Rtcp.LocalEndPoint!;

    public static TestPhone Open() => new();

    private static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public void SendRtp(byte[] datagram, IPEndPoint to) => Rtp.SendTo(datagram, to);

    public void SendRtcp(byte[] datagram, IPEndPoint to) => Rtcp.SendTo(datagram, to);

    public Task<byte[]> ReceiveRtpAsync() => ReceiveAsync(Rtp, Patience);

    public Task<byte[]> ReceiveRtcpAsync() => ReceiveAsync(Rtcp, Patience);

    /// <summary>The next datagram within <paramref name="wait"/>, or null.</summary>
    public async Task<byte[]?> TryReceiveRtpAsync(TimeSpan wait)
    {
        try
        {
            return await ReceiveAsync(Rtp, wait);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket, TimeSpan wait)
    {
        var buffer = new byte[4096];
        using var deadline = new CancellationTokenSource(wait);
        var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
        return buffer[..result.ReceivedBytes];
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
