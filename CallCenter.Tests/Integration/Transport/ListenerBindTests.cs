using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using static CallCenter.Tests.Integration.Transport.TransportKit;

namespace CallCenter.Tests.Integration.Transport;

[TestFixture]
public sealed class ListenerBindTests
{
    private static SipTransportManager Manager(params SipListenerOptions[] listeners) =>
        new(Options(null, listeners), new RecordingHandler(), new FakeTimeProvider(), NullLogger<SipTransportManager>.Instance);

    [Test]
    public async Task Udp_port_in_use_gives_an_error_naming_the_listener()
    {
        using var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)squatter.Client.LocalEndPoint!).Port;
        var listener = Listener(SipTransport.Udp, IPAddress.Loopback, port);
        await using var manager = Manager(listener);

        var error = Assert.ThrowsAsync<SipListenerBindException>(() => manager.StartAsync());

        Assert.That(error!.Listener, Is.EqualTo(listener));
        Assert.That(error.Message, Does.Contain($"udp:127.0.0.1:{port}").And.Contain("in use"));
    }

    [Test]
    public async Task Tcp_port_in_use_fails_the_start_and_releases_the_listeners_already_bound()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var free = FreePorts.Next();
        await using var manager = Manager(
            Listener(SipTransport.Udp, IPAddress.Loopback, free),
            Listener(SipTransport.Tcp, IPAddress.Loopback, taken));

        var error = Assert.ThrowsAsync<SipListenerBindException>(() => manager.StartAsync());

        Assert.That(error!.Message, Does.Contain($"tcp:127.0.0.1:{taken}"));
        Assert.That(manager.Listeners, Is.Empty);
        using var rebind = new UdpClient(new IPEndPoint(IPAddress.Loopback, free));
        Assert.That(((IPEndPoint)rebind.Client.LocalEndPoint!).Port, Is.EqualTo(free), "the UDP listener bound first was not released");
    }

    [Test]
    public async Task Every_listener_reports_its_bound_port()
    {
        await using var manager = Manager(
            Listener(SipTransport.Udp, IPAddress.Loopback),
            Listener(SipTransport.Tcp, IPAddress.Loopback));

        await manager.StartAsync();

        Assert.That(manager.Listeners.Select(l => l.Transport), Is.EqualTo(new[] { SipTransport.Udp, SipTransport.Tcp }));
        Assert.That(manager.Listeners.Select(l => l.LocalEndPoint.Port), Has.All.GreaterThan(0));
    }
}
