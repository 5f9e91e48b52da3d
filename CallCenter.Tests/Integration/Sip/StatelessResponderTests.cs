using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Sip;

/// <summary>The stateless UAS over the real UDP transport on an ephemeral loopback port.</summary>
public sealed class StatelessResponderTests
{
    private SipTransportManager _transport = null!;
    private StatelessResponder _responder = null!;
    private AuthFailureTracker _bans = null!;
    private UdpClient _phone = null!;
    private IPEndPoint _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        var options = TestOptions();
        _bans = new AuthFailureTracker(TimeProvider.System, NullLogger<AuthFailureTracker>.Instance);
        _responder = new StatelessResponder(new FixedConfiguration(options), _bans, NullLoggerFactory.Instance);
        _transport = new SipTransportManager(options.Sip, _responder, TimeProvider.System, NullLogger<SipTransportManager>.Instance);
        await _transport.StartAsync();
        var transport = _transport;
        _responder.Start(async (flow, bytes) => await transport.SendAsync(flow, bytes));
        _server = (IPEndPoint)_transport.Listeners[0].LocalEndPoint;
        _phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
    }

    [TearDown]
    public async Task TearDown()
    {
        _phone.Dispose();
        await _responder.DisposeAsync();
        await _transport.DisposeAsync();
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
        Assert.That(_responder.Counters.Snapshot().RequestsByMethod["OPTIONS"], Is.EqualTo(1));
    }

    [Test]
    public async Task AnExtensionMethodNobodyHandlesGets501AndCancelWithoutATransactionGets481()
    {
        Assert.That((await ExchangeAsync(Request("FROBNICATE", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKx1"))).StatusCode, Is.EqualTo(501));
        Assert.That((await ExchangeAsync(Request("CANCEL", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKx2"))).StatusCode, Is.EqualTo(481));
        Assert.That(_responder.Counters.Snapshot().RequestsByMethod["other"], Is.EqualTo(1));
    }

    [Test]
    public async Task GarbageIsDroppedAndAMalformedRequestGetsA400YetTheServerKeepsAnswering()
    {
        var random = new Random(4475);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(1, 1400)];
            random.NextBytes(junk);
            await _phone.SendAsync(junk, _server);
        }

        var malformed = Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKbad").Replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS", StringComparison.Ordinal);
        // The 400 echoes the request's own (bad) CSeq so the client can match it; read it as text.
        await _phone.SendAsync(Encoding.ASCII.GetBytes(malformed), _server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var answer = Encoding.ASCII.GetString((await _phone.ReceiveAsync(timeout.Token)).Buffer);
        Assert.That(answer, Does.StartWith("SIP/2.0 400 "));
        Assert.That(answer, Does.Contain("branch=z9hG4bKbad").And.Contain("CSeq: one OPTIONS"));

        Assert.That((await ExchangeAsync(Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKafter"))).StatusCode, Is.EqualTo(200));
        Assert.That(_responder.Counters.Snapshot().Malformed, Is.GreaterThanOrEqualTo(201));
    }

    [Test]
    public async Task ABannedSourceGetsNoAnswerAtAll()
    {
        var options = TestOptions().Sip.Security with { MaxFailures = 1 };
        _bans.RecordFailure(IPAddress.Loopback, options, DigestFailure.WrongResponse);

        await _phone.SendAsync(Encoding.ASCII.GetBytes(Request("OPTIONS", "sip:1000@127.0.0.1", "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKban")), _server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        Assert.That(async () => await _phone.ReceiveAsync(timeout.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_responder.Counters.Snapshot().FromBannedSources, Is.EqualTo(1));
    }

    private async Task<SipResponse> ExchangeAsync(string request)
    {
        await _phone.SendAsync(Encoding.ASCII.GetBytes(request), _server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await _phone.ReceiveAsync(timeout.Token);
        Assert.That(received.RemoteEndPoint, Is.EqualTo(_server), "answers leave from the listener's own port");
        Assert.That(SipMessageParser.TryParse(received.Buffer, out var message, out var error), Is.True, error.ToString());
        return (SipResponse)message!;
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
            Listeners = [new SipListenerOptions { Transport = SipTransport.Udp, Address = IPAddress.Loopback, Port = 0 }],
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
