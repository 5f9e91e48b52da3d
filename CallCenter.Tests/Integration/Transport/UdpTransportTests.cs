using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using static CallCenter.Tests.Integration.Transport.TransportKit;

namespace CallCenter.Tests.Integration.Transport;

[TestFixture]
public sealed class UdpTransportTests
{
    private readonly FakeTimeProvider _time = new();
    private RecordingHandler _handler = null!;
    private SipTransportManager? _manager;

    [SetUp]
    public void SetUp() => _handler = new RecordingHandler { ThrowOn = "boom" };

    [TearDown]
    public async Task TearDown()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }
    }

    private async Task<SipListener> StartUdpAsync(IPAddress address, SipLimitOptions? limits = null)
    {
        _manager = await StartAsync(_handler, _time, Options(limits, Listener(SipTransport.Udp, address)));
        return _manager.Listeners.Single();
    }

    [Test]
    public async Task Receive_buffer_is_the_configured_size_beyond_rmem_max_when_privileged()
    {
        // 12 MB is above Debian's net.core.rmem_max (4 MB here): only SO_RCVBUFFORCE grants it.
        const int asked = 12 << 20;
        var settings = new SipTransportSettings { UdpReceiveBufferBytes = asked };
        _manager = await StartAsync(_handler, _time, Options(null, Listener(SipTransport.Udp, IPAddress.Loopback)), settings);
        var granted = _manager.Listeners.Single().Socket.ReceiveBufferSize;

        if (!OperatingSystem.IsLinux())
        {
            Assert.That(granted, Is.GreaterThan(0));
            return;
        }

        // Linux reports twice what was set (it counts its bookkeeping); the suite runs as root, as the service does.
        var rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var privileged = Environment.UserName == "root";
        Assert.That(granted, Is.GreaterThanOrEqualTo(privileged ? asked : Math.Min(asked, rmemMax)),
            $"rmem_max {rmemMax}, privileged {privileged}");
    }

    [Test]
    public async Task A_datagram_queued_behind_a_busy_receive_loop_is_handed_up_with_its_wait_and_counted()
    {
        Assume.That(OperatingSystem.IsLinux(), "the kernel's arrival stamp is Linux's");
        _handler = new RecordingHandler { SleepOn = "slow", SleepFor = TimeSpan.FromMilliseconds(300) };
        var listener = await StartUdpAsync(IPAddress.Loopback);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        // The kernel switches arrival stamps on a moment after the listener asks; until then a datagram reports no
        // wait. Bounded: a few rounds at most.
        ReceivedMessage after = null!;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await phone.SendAsync(Encoding.ASCII.GetBytes("slow"), listener.LocalEndPoint);
            await phone.SendAsync(Encoding.ASCII.GetBytes("after"), listener.LocalEndPoint);
            await _handler.NextAsync();
            after = await _handler.NextAsync();
            if (after.Waited >= TimeSpan.FromMilliseconds(250))
            {
                break;
            }
        }

        Assert.That(after.Text, Is.EqualTo("after"));
        Assert.That(after.Waited, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "it sat behind the 300 ms the loop was busy");
        var stats = _manager!.Statistics;
        Assert.That(stats.DatagramsWaited10Ms, Is.GreaterThanOrEqualTo(1));
        Assert.That(stats.DatagramsWaited100Ms, Is.GreaterThanOrEqualTo(1).And.LessThanOrEqualTo(stats.DatagramsWaited10Ms));
        Assert.That(stats.DatagramsWaited500Ms, Is.LessThanOrEqualTo(stats.DatagramsWaited100Ms));
    }

    [Test]
    public async Task Datagram_is_handed_up_with_its_source_and_answered_from_the_listener_port()
    {
        var listener = await StartUdpAsync(IPAddress.Loopback);
        Assert.That(listener.LocalEndPoint.Port, Is.Not.Zero, "port 0 must show the bound ephemeral port");
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await phone.SendAsync(Ascii(Request("a")), listener.LocalEndPoint);
        var received = await _handler.NextAsync();

        Assert.That(received.Text, Is.EqualTo(Request("a")));
        Assert.That(received.Flow.Remote, Is.EqualTo(phone.Client.LocalEndPoint));
        Assert.That(received.Flow.Transport, Is.EqualTo(SipTransport.Udp));
        Assert.That(received.Flow.Listener, Is.SameAs(listener));

        var result = await _manager!.SendAsync(received.Flow, Ascii(Ok));
        var reply = await phone.ReceiveAsync().WaitAsync(Patience);

        Assert.That(result, Is.EqualTo(SipSendResult.Sent));
        Assert.That(Encoding.ASCII.GetString(reply.Buffer), Is.EqualTo(Ok));
        Assert.That(reply.RemoteEndPoint, Is.EqualTo(listener.LocalEndPoint), "the reply must leave from the listener's port");
        var stats = _manager.Statistics;
        Assert.That((stats.DatagramsIn, stats.DatagramsOut), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public async Task Ipv6_datagram_round_trip()
    {
        Assume.That(Socket.OSSupportsIPv6, "IPv6 is not available here");
        var listener = await StartUdpAsync(IPAddress.IPv6Loopback);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));

        await phone.SendAsync(Ascii(Request("v6")), listener.LocalEndPoint);
        var received = await _handler.NextAsync();
        await _manager!.SendAsync(received.Flow, Ascii(Ok));
        var reply = await phone.ReceiveAsync().WaitAsync(Patience);

        Assert.That(received.Flow.Remote.AddressFamily, Is.EqualTo(AddressFamily.InterNetworkV6));
        Assert.That(reply.RemoteEndPoint, Is.EqualTo(listener.LocalEndPoint));
    }

    [Test]
    public async Task Ipv6_listener_is_ipv6_only_so_an_ipv4_listener_can_share_its_port()
    {
        Assume.That(Socket.OSSupportsIPv6, "IPv6 is not available here");
        var port = FreePorts.Next();
        _manager = await StartAsync(_handler, _time, Options(null,
            Listener(SipTransport.Udp, IPAddress.IPv6Any, port),
            Listener(SipTransport.Udp, IPAddress.Any, port)));

        Assert.That(_manager.Listeners.Select(l => l.LocalEndPoint.Port), Is.EqualTo(new[] { port, port }));
    }

    [Test]
    public async Task Oversize_datagram_is_dropped_and_reported_and_the_next_one_is_served()
    {
        var listener = await StartUdpAsync(IPAddress.Loopback, new SipLimitOptions { MaxMessageBytes = 200 });
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await phone.SendAsync(new byte[201], listener.LocalEndPoint);
        var error = await _handler.NextErrorAsync(SipTransportErrorKind.OversizeDatagram);
        var exact = Request("x").PadRight(198, 'y') + "\r\n";
        await phone.SendAsync(Ascii(exact), listener.LocalEndPoint);
        var received = await _handler.NextAsync();

        Assert.That(error.Remote, Is.EqualTo(phone.Client.LocalEndPoint));
        Assert.That(received.Text, Has.Length.EqualTo(200), "a datagram of exactly the limit is accepted");
        Assert.That(_manager!.Statistics.OversizeDatagrams, Is.EqualTo(1));
    }

    [Test]
    public async Task Handler_exception_does_not_stop_the_receive_loop()
    {
        var listener = await StartUdpAsync(IPAddress.Loopback);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await phone.SendAsync(Ascii(Request("boom")), listener.LocalEndPoint);
        var fault = await _handler.NextErrorAsync(SipTransportErrorKind.HandlerFault);
        await phone.SendAsync(Ascii(Request("after")), listener.LocalEndPoint);
        var received = await _handler.NextAsync();

        Assert.That(fault.Flow?.Remote, Is.EqualTo(phone.Client.LocalEndPoint));
        Assert.That(received.Text, Does.Contain("after"));
        Assert.That(_manager!.Statistics.HandlerFaults, Is.EqualTo(1));
    }

    [Test]
    public async Task Keepalive_datagrams_are_not_handed_up()
    {
        var listener = await StartUdpAsync(IPAddress.Loopback);
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await phone.SendAsync(Ascii("\r\n\r\n"), listener.LocalEndPoint);
        await phone.SendAsync(Ascii(Request("real")), listener.LocalEndPoint);
        var received = await _handler.NextAsync();

        Assert.That(received.Text, Does.Contain("real"));
        Assert.That(_manager!.Statistics.KeepAlives, Is.EqualTo(1));
    }

    [Test]
    public async Task Sending_to_a_closed_port_does_not_kill_the_receive_loop()
    {
        var listener = await StartUdpAsync(IPAddress.Loopback);
        int closedPort;
        using (var gone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            closedPort = ((IPEndPoint)gone.Client.LocalEndPoint!).Port;
        }

        // The ICMP port unreachable that comes back must not end the loop (Windows reports it on the next receive).
        for (var i = 0; i < 3; i++)
        {
            var sent = await _manager!.SendAsync(SipTransport.Udp, new IPEndPoint(IPAddress.Loopback, closedPort), Ascii(Request("lost")));
            Assert.That(sent, Is.AnyOf(SipSendResult.Sent, SipSendResult.SendFailed));
        }

        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await phone.SendAsync(Ascii(Request("alive")), listener.LocalEndPoint);
        var received = await _handler.NextAsync();

        Assert.That(received.Text, Does.Contain("alive"));
    }

    [Test]
    public async Task Send_without_a_listener_of_that_transport_says_so()
    {
        await StartUdpAsync(IPAddress.Loopback);

        var result = await _manager!.SendAsync(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, 5060), Ascii(Request("x")));

        Assert.That(result, Is.EqualTo(SipSendResult.NoListener));
    }
}
