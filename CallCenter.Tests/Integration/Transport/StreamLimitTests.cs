using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using static CallCenter.Tests.Integration.Transport.TransportKit;

namespace CallCenter.Tests.Integration.Transport;

/// <summary>Deadlines run on the manager's heartbeat, driven here by the fake clock (1 s heartbeat).</summary>
[TestFixture]
public sealed class StreamLimitTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<IDisposable> _disposables = [];
    private RecordingHandler _handler = null!;
    private SipTransportManager? _manager;

    [SetUp]
    public void SetUp() => _handler = new RecordingHandler();

    [TearDown]
    public async Task TearDown()
    {
        if (_manager is not null)
        {
            await _manager.DisposeAsync();
        }

        _disposables.ForEach(d => d.Dispose());
    }

    private async Task<IPEndPoint> StartTcpAsync(SipLimitOptions limits)
    {
        _manager = await StartAsync(_handler, _time, Options(limits, Listener(SipTransport.Tcp, IPAddress.Loopback)));
        return _manager.Listeners.Single().LocalEndPoint;
    }

    private async Task<Socket> PhoneAsync(IPEndPoint server)
    {
        var socket = await ConnectAsync(server);
        _disposables.Add(socket);
        return socket;
    }

    [Test]
    public async Task Connections_over_the_maximum_are_closed_at_once_and_earlier_ones_keep_working()
    {
        var server = await StartTcpAsync(new SipLimitOptions { MaxConnections = 2 });
        var first = await PhoneAsync(server);
        var second = await PhoneAsync(server);
        await SendAsync(first, Request("1"));
        await SendAsync(second, Request("2"));
        await _handler.NextAsync();
        await _handler.NextAsync();

        bool thirdClosed;
        try
        {
            var third = await PhoneAsync(server);
            thirdClosed = await ClosedByServerAsync(third);
        }
        catch (SocketException)
        {
            // The reset can beat the end of the client's connect on loopback.
            thirdClosed = true;
        }

        await SendAsync(first, Request("still-1"));
        await SendAsync(second, Request("still-2"));
        var texts = new[] { (await _handler.NextAsync()).Text, (await _handler.NextAsync()).Text };

        Assert.That(thirdClosed, Is.True);
        Assert.That(texts, Is.EquivalentTo(new[] { Request("still-1"), Request("still-2") }));
        var stats = _manager!.Statistics;
        Assert.That((stats.ConnectionsRejected, stats.ConnectionsAccepted, stats.ConnectionsOpen), Is.EqualTo((1L, 2L, 2L)));
    }

    [Test]
    public async Task A_slot_freed_by_a_closed_connection_is_available_again()
    {
        var server = await StartTcpAsync(new SipLimitOptions { MaxConnections = 1 });
        var first = await PhoneAsync(server);
        await SendAsync(first, Request("1"));
        await _handler.NextAsync();

        first.Close();
        await WaitUntilAsync(() => _manager!.Statistics.ConnectionsOpen == 0, "the first connection to end");
        var second = await PhoneAsync(server);
        await SendAsync(second, Request("2"));
        var received = await _handler.NextAsync();

        Assert.That(received.Text, Is.EqualTo(Request("2")));
        Assert.That(_manager!.Statistics.ConnectionsRejected, Is.Zero);
    }

    [Test]
    public async Task Slowloris_partial_message_is_closed_after_the_partial_timeout()
    {
        var server = await StartTcpAsync(new SipLimitOptions
        {
            PartialMessageTimeout = TimeSpan.FromSeconds(10),
            IdleConnectionTimeout = TimeSpan.FromMinutes(5),
        });
        var slow = await PhoneAsync(server);
        var partial = "OPTIONS sip:slow@test SIP/2.0\r\n";
        await SendAsync(slow, partial);
        await WaitUntilAsync(() => _manager!.Statistics.BytesIn == partial.Length, "the partial message to be read");

        _time.Advance(TimeSpan.FromSeconds(9));
        var openAt9 = StillOpen(slow);
        _time.Advance(TimeSpan.FromSeconds(2));
        var closed = await ClosedByServerAsync(slow);
        var error = await _handler.NextErrorAsync(SipTransportErrorKind.ConnectionClosed);

        Assert.That(openAt9, Is.True, "closed before the partial timeout");
        Assert.That(closed, Is.True);
        Assert.That(error.CloseReason, Is.EqualTo(SipConnectionCloseReason.PartialTimeout));
    }

    [Test]
    public async Task Trickling_bytes_do_not_reset_the_partial_deadline()
    {
        var server = await StartTcpAsync(new SipLimitOptions { PartialMessageTimeout = TimeSpan.FromSeconds(10) });
        var slow = await PhoneAsync(server);
        var sent = 0;
        foreach (var piece in new[] { "OPTIONS ", "sip:slow", "@test SIP" })
        {
            await SendAsync(slow, piece);
            sent += piece.Length;
            await WaitUntilAsync(() => _manager!.Statistics.BytesIn == sent, "a piece to be read");
            _time.Advance(TimeSpan.FromSeconds(4));
        }

        var closed = await ClosedByServerAsync(slow);

        Assert.That(closed, Is.True, "three pieces 4 s apart exceed a 10 s partial timeout");
        await WaitUntilAsync(() => _manager!.Statistics.Closed(SipConnectionCloseReason.PartialTimeout) == 1, "the close to be counted");
    }

    [Test]
    public async Task Complete_messages_restart_the_partial_clock()
    {
        var server = await StartTcpAsync(new SipLimitOptions { PartialMessageTimeout = TimeSpan.FromSeconds(10) });
        var phone = await PhoneAsync(server);

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(phone, Request($"m{i}"));
            await _handler.NextAsync();
            _time.Advance(TimeSpan.FromSeconds(8));
        }

        Assert.That(StillOpen(phone), Is.True);
    }

    [Test]
    public async Task Idle_connection_is_closed_after_the_idle_timeout()
    {
        var server = await StartTcpAsync(new SipLimitOptions { IdleConnectionTimeout = TimeSpan.FromSeconds(30) });
        var phone = await PhoneAsync(server);
        await SendAsync(phone, Request("hello"));
        await _handler.NextAsync();

        _time.Advance(TimeSpan.FromSeconds(29));
        var openAt29 = StillOpen(phone);
        _time.Advance(TimeSpan.FromSeconds(2));
        var closed = await ClosedByServerAsync(phone);

        Assert.That(openAt29, Is.True);
        Assert.That(closed, Is.True);
        await WaitUntilAsync(() => _manager!.Statistics.Closed(SipConnectionCloseReason.Idle) == 1, "the idle close to be counted");
        Assert.That(_manager!.Statistics.ConnectionsOpen, Is.Zero);
    }

    [Test]
    public async Task Connection_that_never_sends_is_closed_as_idle()
    {
        var server = await StartTcpAsync(new SipLimitOptions { IdleConnectionTimeout = TimeSpan.FromSeconds(30) });
        var silent = await PhoneAsync(server);
        await WaitUntilAsync(() => _manager!.Statistics.ConnectionsAccepted == 1, "the accept");

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.That(await ClosedByServerAsync(silent), Is.True);
    }
}
