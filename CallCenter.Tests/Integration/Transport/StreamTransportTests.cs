using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using static CallCenter.Tests.Integration.Transport.TransportKit;

namespace CallCenter.Tests.Integration.Transport;

[TestFixture]
public sealed class StreamTransportTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<IDisposable> _disposables = [];
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

        _disposables.ForEach(d => d.Dispose());
    }

    private async Task<IPEndPoint> StartTcpAsync(SipLimitOptions? limits = null)
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
    public async Task Two_messages_in_one_write_arrive_as_two_in_order_on_one_flow()
    {
        var server = await StartTcpAsync();
        var phone = await PhoneAsync(server);

        await SendAsync(phone, Request("one") + Request("two"));
        var first = await _handler.NextAsync();
        var second = await _handler.NextAsync();

        Assert.That(first.Text, Is.EqualTo(Request("one")));
        Assert.That(second.Text, Is.EqualTo(Request("two")));
        Assert.That(first.Flow, Is.EqualTo(second.Flow));
        Assert.That(first.Flow.IsStream, Is.True);
        Assert.That(first.Flow.Remote, Is.EqualTo(phone.LocalEndPoint));
        Assert.That(_manager!.Statistics.StreamMessagesIn, Is.EqualTo(2));
    }

    [Test]
    public async Task Message_split_across_writes_is_handed_up_once_whole()
    {
        var server = await StartTcpAsync();
        var phone = await PhoneAsync(server);
        var message = Request("split");

        await SendAsync(phone, message[..10]);
        await WaitUntilAsync(() => _manager!.Statistics.BytesIn == 10, "the first part to be read");
        var early = _handler.TryNext(out _);
        await SendAsync(phone, message[10..]);
        var received = await _handler.NextAsync();

        Assert.That(early, Is.False, "nothing may be handed up before the message is whole");
        Assert.That(received.Text, Is.EqualTo(message));
    }

    [Test]
    public async Task Crlf_keepalives_between_messages_are_skipped()
    {
        var server = await StartTcpAsync();
        var phone = await PhoneAsync(server);

        await SendAsync(phone, "\r\n\r\n");
        var pong = new byte[8];
        var pongLength = await phone.ReceiveAsync(pong, SocketFlags.None).WaitAsync(Patience);
        await SendAsync(phone, "\r\n" + Request("a") + "\r\n" + Request("b"));
        var a = await _handler.NextAsync();
        var b = await _handler.NextAsync();

        Assert.That(pong.AsSpan(0, pongLength).ToArray(), Is.EqualTo("\r\n"u8.ToArray()), "RFC 5626 pong");
        Assert.That((a.Text, b.Text), Is.EqualTo((Request("a"), Request("b"))));
    }

    [Test]
    public async Task Answer_goes_back_over_the_same_connection()
    {
        var server = await StartTcpAsync();
        var phone = await PhoneAsync(server);
        await SendAsync(phone, Request("q"));
        var received = await _handler.NextAsync();

        var result = await _manager!.SendAsync(received.Flow, Ascii(Ok));
        using var stream = new NetworkStream(phone, ownsSocket: false);
        var reply = await ReadMessageAsync(stream);

        Assert.That(result, Is.EqualTo(SipSendResult.Sent));
        Assert.That(reply, Is.EqualTo(Ok));
        Assert.That(_manager.Statistics.ConnectionsAccepted, Is.EqualTo(1));
    }

    [Test]
    public async Task Sends_to_one_endpoint_reuse_one_connection_and_its_answers_come_back_up()
    {
        await StartTcpAsync();
        using var phoneListener = new TcpListener(IPAddress.Loopback, 0);
        phoneListener.Start();
        var phoneEndPoint = (IPEndPoint)phoneListener.LocalEndpoint;

        var first = await _manager!.SendAsync(SipTransport.Tcp, phoneEndPoint, Ascii(Request("1")));
        using var accepted = await phoneListener.AcceptSocketAsync().WaitAsync(Patience);
        var second = await _manager.SendAsync(SipTransport.Tcp, phoneEndPoint, Ascii(Request("2")));
        using var stream = new NetworkStream(accepted, ownsSocket: false);
        var got = await ReadMessageAsync(stream);
        if (!got.Contains(Request("2"), StringComparison.Ordinal))
        {
            got += await ReadMessageAsync(stream);
        }

        await SendAsync(accepted, Ok);
        var answer = await _handler.NextAsync();

        Assert.That((first, second), Is.EqualTo((SipSendResult.Sent, SipSendResult.Sent)));
        Assert.That(got, Is.EqualTo(Request("1") + Request("2")));
        Assert.That(phoneListener.Pending(), Is.False, "a second connection was opened");
        Assert.That(_manager.Statistics.ConnectionsOpened, Is.EqualTo(1));
        Assert.That(answer.Flow.Remote, Is.EqualTo(phoneEndPoint));
        Assert.That(answer.Text, Is.EqualTo(Ok));
    }

    [Test]
    public async Task Concurrent_sends_to_a_new_endpoint_open_one_connection()
    {
        await StartTcpAsync();
        using var phoneListener = new TcpListener(IPAddress.Loopback, 0);
        phoneListener.Start();
        var phoneEndPoint = (IPEndPoint)phoneListener.LocalEndpoint;

        var sends = Enumerable.Range(0, 5)
            .Select(i => _manager!.SendAsync(SipTransport.Tcp, phoneEndPoint, Ascii(Request($"c{i}"))).AsTask())
            .ToArray();
        var results = await Task.WhenAll(sends).WaitAsync(Patience);

        Assert.That(results, Has.All.EqualTo(SipSendResult.Sent));
        Assert.That(_manager!.Statistics.ConnectionsOpened, Is.EqualTo(1));
    }

    [Test]
    public async Task Connect_failure_is_a_result_not_an_exception()
    {
        await StartTcpAsync();
        int closedPort;
        using (var gone = new TcpListener(IPAddress.Loopback, 0))
        {
            gone.Start();
            closedPort = ((IPEndPoint)gone.LocalEndpoint).Port;
        }

        var result = await _manager!.SendAsync(SipTransport.Tcp, new IPEndPoint(IPAddress.Loopback, closedPort), Ascii(Request("x")));

        Assert.That(result, Is.EqualTo(SipSendResult.ConnectFailed));
    }

    [Test]
    public async Task Oversize_stream_message_closes_that_connection_only()
    {
        var server = await StartTcpAsync(new SipLimitOptions { MaxMessageBytes = 300 });
        var bad = await PhoneAsync(server);
        var good = await PhoneAsync(server);

        await SendAsync(bad, "OPTIONS " + new string('a', 400));
        var closed = await ClosedByServerAsync(bad);
        await SendAsync(good, Request("fine"));
        var received = await _handler.NextAsync();

        Assert.That(closed, Is.True);
        Assert.That(received.Text, Does.Contain("fine"));
        await WaitUntilAsync(() => _manager!.Statistics.Closed(SipConnectionCloseReason.Oversize) == 1, "the close to be counted");
        Assert.That(_handler.TryNext(out _), Is.False, "nothing of the oversize message may be handed up");
    }

    [Test]
    public async Task Garbage_closes_the_connection_and_the_listener_serves_the_next_one()
    {
        var server = await StartTcpAsync();
        var bad = await PhoneAsync(server);

        // A header block with no Content-Length: on a stream the next message's start cannot be found.
        await bad.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a }, SocketFlags.None);
        var closed = await ClosedByServerAsync(bad);
        var error = await _handler.NextErrorAsync(SipTransportErrorKind.ConnectionClosed);
        var next = await PhoneAsync(server);
        await SendAsync(next, Request("next"));
        var received = await _handler.NextAsync();

        Assert.That(closed, Is.True);
        Assert.That(error.CloseReason, Is.EqualTo(SipConnectionCloseReason.Malformed));
        Assert.That(received.Text, Does.Contain("next"));
    }

    [Test]
    public async Task Handler_exception_does_not_end_the_connection()
    {
        var server = await StartTcpAsync();
        var phone = await PhoneAsync(server);

        await SendAsync(phone, Request("boom") + Request("after"));
        var received = await _handler.NextAsync();

        Assert.That(received.Text, Does.Contain("after"));
        Assert.That(_manager!.Statistics.HandlerFaults, Is.EqualTo(1));
        Assert.That(StillOpen(phone), Is.True);
    }

    [Test]
    public async Task Send_on_a_closed_flow_reports_connection_closed()
    {
        var server = await StartTcpAsync();
        var phone = await PhoneAsync(server);
        await SendAsync(phone, Request("q"));
        var received = await _handler.NextAsync();

        phone.Close();
        await _handler.NextErrorAsync(SipTransportErrorKind.ConnectionClosed);
        var result = await _manager!.SendAsync(received.Flow, Ascii(Ok));

        Assert.That(result, Is.EqualTo(SipSendResult.ConnectionClosed));
        Assert.That(_manager.Statistics.Closed(SipConnectionCloseReason.Peer), Is.EqualTo(1));
    }
}
