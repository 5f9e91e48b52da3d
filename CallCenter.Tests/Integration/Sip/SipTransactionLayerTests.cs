using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Sip;

/// <summary>
/// The transaction layer over the real transport on ephemeral loopback ports (UDP and TCP), with the server's interim
/// transaction user: what the stateless responder answered before, now answered by transactions. Real time: nothing
/// here waits for a transaction timer.
/// </summary>
public sealed class SipTransactionLayerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private SipTransportManager _transport = null!;
    private SipTransactionLayer _layer = null!;
    private AuthFailureTracker _bans = null!;
    private RegistrationStore _registrations = null!;
    private UdpClient _phone = null!;
    private IPEndPoint _udpServer = null!;
    private IPEndPoint _tcpServer = null!;

    [SetUp]
    public async Task SetUp()
    {
        var options = TestOptions();
        var configuration = new FixedConfiguration(options);
        _bans = new AuthFailureTracker(TimeProvider.System, NullLogger<AuthFailureTracker>.Instance);
        _registrations = new RegistrationStore(TimeProvider.System, NullLogger<RegistrationStore>.Instance);
        var dispatcher = new SipRequestDispatcher(
            configuration,
            new DigestAuthenticator(new DigestNonceManager(TimeProvider.System), _bans, NullLogger<DigestAuthenticator>.Instance),
            _bans,
            new SipRegistrar(_registrations, configuration, NullLogger<SipRegistrar>.Instance),
            NullLogger<SipRequestDispatcher>.Instance);
        _layer = new SipTransactionLayer(configuration, _bans, dispatcher, TimeProvider.System, NullLoggerFactory.Instance);
        _transport = new SipTransportManager(options.Sip, _layer, TimeProvider.System, NullLogger<SipTransportManager>.Instance);
        await _transport.StartAsync();
        _layer.Start(_transport);
        _udpServer = _transport.Listeners.Single(l => l.Transport == SipTransport.Udp).LocalEndPoint;
        _tcpServer = _transport.Listeners.Single(l => l.Transport == SipTransport.Tcp).LocalEndPoint;
        _phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    }

    [TearDown]
    public async Task TearDown()
    {
        _phone.Dispose();
        await _layer.DisposeAsync();
        await _transport.DisposeAsync();
        await _registrations.DisposeAsync();
    }

    [Test]
    public async Task OptionsIsAnsweredWith200AToTagAndTheSourceStampedInTheVia()
    {
        var port = ((IPEndPoint)_phone.Client.LocalEndPoint!).Port;
        var response = await ExchangeAsync(Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP phone.invalid:5060;branch=z9hG4bKopt1;rport"));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.To!.Tag, Is.Not.Null.And.Length.GreaterThanOrEqualTo(8));
        Assert.That(response.TopVia!.RPort, Is.EqualTo(port));
        Assert.That(response.TopVia.Received, Is.EqualTo("127.0.0.1"));
        Assert.That(response.CSeq!.Value.Method, Is.EqualTo("OPTIONS"));
        Assert.That(response.GetHeaderValue("Allow"), Does.Contain("INVITE").And.Contain("REGISTER"));
        Assert.That(response.GetHeaderValue("Server"), Is.EqualTo("CallCenter"));
        Assert.That(_layer.Counters.Snapshot().RequestsByMethod["OPTIONS"], Is.EqualTo(1));
    }

    [Test]
    public async Task AnExtensionMethodNobodyHandlesGets501AndCancelWithoutATransactionGets481()
    {
        Assert.That((await ExchangeAsync(Request("FROBNICATE", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKx1"))).StatusCode, Is.EqualTo(501));
        Assert.That((await ExchangeAsync(Request("CANCEL", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKx2"))).StatusCode, Is.EqualTo(481));
        Assert.That(_layer.Counters.Snapshot().RequestsByMethod["other"], Is.EqualTo(1));
    }

    [Test]
    public async Task GarbageIsDroppedAndAMalformedRequestGetsA400YetTheServerKeepsAnswering()
    {
        var random = new Random(4475);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(1, 1400)];
            random.NextBytes(junk);
            await _phone.SendAsync(junk, _udpServer);
        }

        var malformed = Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbad").Replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS", StringComparison.Ordinal);
        // The 400 echoes the request's own (bad) CSeq so the client can match it; read it as text.
        await _phone.SendAsync(Encoding.ASCII.GetBytes(malformed), _udpServer);
        using var timeout = new CancellationTokenSource(Patience);
        var answer = Encoding.ASCII.GetString((await _phone.ReceiveAsync(timeout.Token)).Buffer);
        Assert.That(answer, Does.StartWith("SIP/2.0 400 "));
        Assert.That(answer, Does.Contain("branch=z9hG4bKbad").And.Contain("CSeq: one OPTIONS"));

        Assert.That((await ExchangeAsync(Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKafter"))).StatusCode, Is.EqualTo(200));
        Assert.That(_layer.Counters.Snapshot().Malformed, Is.GreaterThanOrEqualTo(201));
    }

    [Test]
    public async Task ABannedSourceGetsNoAnswerAtAll()
    {
        var options = TestOptions().Sip.Security with { MaxFailures = 1 };
        _bans.RecordFailure(IPAddress.Loopback, options, DigestFailure.WrongResponse);

        await _phone.SendAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKban")), _udpServer);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        Assert.That(async () => await _phone.ReceiveAsync(timeout.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_layer.Counters.Snapshot().FromBannedSources, Is.EqualTo(1));
    }

    [Test]
    public async Task OverUdpARetransmittedRequestGetsTheVeryBytesOfTheFirstAnswerAndTheTuSeesItOnce()
    {
        var request = Encoding.ASCII.GetBytes(Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKudpretx;rport"));

        await _phone.SendAsync(request, _udpServer);
        var first = await ReceiveAsync();
        await _phone.SendAsync(request, _udpServer);
        var second = await ReceiveAsync();

        Assert.That(Encoding.ASCII.GetString(first), Does.StartWith("SIP/2.0 200 OK"));
        // The interim TU draws a fresh random To tag for every response it writes: equal bytes prove that the
        // transaction answered the retransmission with its stored response instead of asking the TU again.
        Assert.That(second, Is.EqualTo(first));
        Assert.That(_layer.Statistics.RetransmissionsAbsorbed, Is.EqualTo(1));
        Assert.That(_layer.Statistics.ServerNonInviteAlive, Is.EqualTo(1), "Timer J keeps it for 64*T1 over UDP");
        using var silence = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.That(async () => await _phone.ReceiveAsync(silence.Token), Throws.InstanceOf<OperationCanceledException>(), "one answer per request");
    }

    [Test]
    public async Task OverTcpTheRequestIsAnsweredOnItsConnectionAndTheTransactionEndsAtOnce()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_tcpServer).WaitAsync(Patience);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var request = Encoding.ASCII.GetBytes(Request("OPTIONS", "sip:1000@127.0.0.1", $"SIP/2.0/TCP 127.0.0.1:{local.Port};branch=z9hG4bKtcp1"));

        await stream.WriteAsync(request);
        var answer = await ReadMessageAsync(stream);

        Assert.That(answer, Does.StartWith("SIP/2.0 200 OK").And.Contain("branch=z9hG4bKtcp1"));
        // Timer J is zero on a reliable transport: the transaction is already gone, so a copy of the request is a
        // new request to the TU (a TCP client never retransmits; §17.1.2.2 stops Timer E over TCP).
        Assert.That(await WaitForAsync(() => _layer.Statistics.ServerNonInviteAlive == 0), Is.True);
        await stream.WriteAsync(request);
        Assert.That(await ReadMessageAsync(stream), Does.StartWith("SIP/2.0 200 OK"));
        Assert.That(_layer.Statistics.RetransmissionsAbsorbed, Is.Zero);
        Assert.That(_layer.Counters.Snapshot().RequestsByMethod["OPTIONS"], Is.EqualTo(2));
    }

    private async Task<SipResponse> ExchangeAsync(string request)
    {
        await _phone.SendAsync(Encoding.ASCII.GetBytes(request), _udpServer);
        var received = await ReceiveAsync();
        Assert.That(SipMessageParser.TryParse(received, out var message, out var error), Is.True, error.ToString());
        return (SipResponse)message!;
    }

    private async Task<byte[]> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var received = await _phone.ReceiveAsync(timeout.Token);
        Assert.That(received.RemoteEndPoint, Is.EqualTo(_udpServer), "answers leave from the listener's own port");
        return received.Buffer;
    }

    private static async Task<string> ReadMessageAsync(Stream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[2048];
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

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private static string Request(string method, string uri, string via) =>
        $"{method} {uri} SIP/2.0\r\nVia: {via}\r\nMax-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=abc123\r\nTo: <{uri}>\r\n" +
        $"Call-ID: {Guid.NewGuid():N}@test\r\nCSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n";

    private static CallCenterOptions TestOptions() => new()
    {
        Node = new NodeOptions { Name = "test" },
        Sip = new SipOptions
        {
            Realm = "test",
            Domain = "test.local",
            Listeners =
            [
                new SipListenerOptions { Transport = SipTransport.Udp, Address = IPAddress.Loopback, Port = 0 },
                new SipListenerOptions { Transport = SipTransport.Tcp, Address = IPAddress.Loopback, Port = 0 },
            ],
        },
        Rtp = new RtpOptions(),
        Web = new WebOptions(),
        Storage = new StorageOptions { DataFolder = "/tmp/unused", RecordingsFolder = "/tmp/unused" },
        Logging = new LoggingOptions { Folder = "/tmp/unused" },
        Shutdown = new ShutdownOptions(),
        Extensions = new ExtensionsOptions { Users = ImmutableArray<UserOptions>.Empty },
    };

    private sealed class FixedConfiguration(CallCenterOptions options) : ILiveConfiguration
    {
        public CallCenterOptions Current => options;

        public event Action<CallCenterOptions>? Changed
        {
            add { }
            remove { }
        }
    }
}
