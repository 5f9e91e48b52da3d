using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Tests.Integration.Transport;

/// <summary>recvmsg with the kernel's arrival stamp on a real loopback socket: the data and source as recvfrom gives
/// them, and how long each datagram sat in the socket's buffer.</summary>
public sealed class DatagramArrivalTests
{
    [Test]
    public void ADatagramThatWaitedInTheBufferSaysHowLongAndOneReadAtOnceHardlyWaited()
    {
        using var receiver = Bound();
        using var sender = Bound();
        Assert.That(DatagramArrival.TryEnable(receiver), Is.EqualTo(OperatingSystem.IsLinux()), "the stamp is on wherever Linux offers it");
        Assume.That(OperatingSystem.IsLinux(), "the kernel stamp is Linux's");
        var buffer = new byte[64];
        var address = new SocketAddress(AddressFamily.InterNetwork);
        AwaitArrivalStamps(receiver, sender, buffer, address);

        sender.SendTo("first"u8, receiver.LocalEndPoint!);
        Thread.Sleep(300);

        var length = DatagramArrival.Receive(receiver, buffer, address, out var waited);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, length), Is.EqualTo("first"));
        Assert.That((IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address), Is.EqualTo(sender.LocalEndPoint));
        Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)).And.LessThan(TimeSpan.FromSeconds(10)));

        sender.SendTo("second"u8, receiver.LocalEndPoint!);
        length = DatagramArrival.Receive(receiver, buffer, address, out waited);
        Assert.That(Encoding.ASCII.GetString(buffer, 0, length), Is.EqualTo("second"));
        Assert.That(waited, Is.LessThan(TimeSpan.FromMilliseconds(250)), "read as soon as it came");
    }

    [Test]
    public void ALongerDatagramIsCutToTheBufferAndAnEmptySocketTimesOutAsSocketDoes()
    {
        Assume.That(OperatingSystem.IsLinux(), "the kernel stamp is Linux's");
        using var receiver = Bound();
        using var sender = Bound();
        DatagramArrival.TryEnable(receiver);
        receiver.ReceiveTimeout = 200;

        sender.SendTo(new byte[100], receiver.LocalEndPoint!);
        var buffer = new byte[10];
        Assert.That(DatagramArrival.Receive(receiver, buffer, new SocketAddress(AddressFamily.InterNetwork), out _), Is.EqualTo(10));

        var error = Assert.Throws<SocketException>(() => DatagramArrival.Receive(receiver, buffer, new SocketAddress(AddressFamily.InterNetwork), out _));
        Assert.That(error!.SocketErrorCode, Is.EqualTo(SocketError.WouldBlock), "the receive loop takes this as time to look at its stop token");
    }

    /// <summary>The kernel stamps arriving packets only once some socket has asked for it, and it switches that on
    /// from a work queue a moment after the first one asks (until then a datagram is stamped when it is read, and
    /// reports no wait). Waits, boundedly, until a datagram that sat 50 ms says so.</summary>
    private static void AwaitArrivalStamps(Socket receiver, Socket sender, byte[] buffer, SocketAddress address)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            sender.SendTo("probe"u8, receiver.LocalEndPoint!);
            Thread.Sleep(50);
            DatagramArrival.Receive(receiver, buffer, address, out var waited);
            if (waited >= TimeSpan.FromMilliseconds(40))
            {
                return;
            }
        }

        Assert.Fail("the kernel never stamped a datagram's arrival in 40 tries");
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
