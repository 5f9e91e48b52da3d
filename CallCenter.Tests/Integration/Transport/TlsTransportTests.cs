using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;
using static CallCenter.Tests.Integration.Transport.TransportKit;

namespace CallCenter.Tests.Integration.Transport;

[TestFixture]
public sealed class TlsTransportTests
{
    private const string Password = "test-secret";
    private readonly FakeTimeProvider _time = new();
    private readonly List<IAsyncDisposable> _managers = [];
    private TempFolder _folder = null!;
    private X509Certificate2 _certificate = null!;
    private string _pfxPath = null!;
    private string _certPemPath = null!;
    private string _keyPemPath = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder("cc-tls");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        _pfxPath = _folder.Combine("server.pfx");
        File.WriteAllBytes(_pfxPath, _certificate.Export(X509ContentType.Pfx, Password));
        _certPemPath = _folder.Combine("server.crt");
        File.WriteAllText(_certPemPath, _certificate.ExportCertificatePem());
        _keyPemPath = _folder.Combine("server.key");
        File.WriteAllText(_keyPemPath, key.ExportPkcs8PrivateKeyPem());
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        _certificate.Dispose();
        _folder.Dispose();
    }

    private SipListenerOptions PfxListener() =>
        Listener(SipTransport.Tls, IPAddress.Loopback) with { CertificatePath = _pfxPath, CertificatePassword = Password };

    private async Task<SipTransportManager> StartManagerAsync(
        RecordingHandler handler, SipListenerOptions listener, SipLimitOptions? limits = null, SipTransportSettings? settings = null)
    {
        var manager = await StartAsync(handler, _time, Options(limits, listener), settings);
        _managers.Add(manager);
        return manager;
    }

    private async Task<SslStream> PhoneAsync(IPEndPoint server)
    {
        var socket = await ConnectAsync(server);
        var thumbprint = _certificate.Thumbprint;
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false,
            (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint);
        await ssl.AuthenticateAsClientAsync("localhost").WaitAsync(Patience);
        return ssl;
    }

    [Test]
    public async Task Tls_round_trip_with_a_pkcs12_certificate()
    {
        var handler = new RecordingHandler();
        var manager = await StartManagerAsync(handler, PfxListener());
        await using var phone = await PhoneAsync(manager.Listeners.Single().LocalEndPoint);

        await phone.WriteAsync(Ascii(Request("secure")));
        var received = await handler.NextAsync();
        var sent = await manager.SendAsync(received.Flow, Ascii(Ok));
        var reply = await ReadMessageAsync(phone);

        Assert.That(received.Text, Is.EqualTo(Request("secure")));
        Assert.That(received.Flow.Transport, Is.EqualTo(SipTransport.Tls));
        Assert.That(sent, Is.EqualTo(SipSendResult.Sent));
        Assert.That(reply, Is.EqualTo(Ok));
    }

    [Test]
    public async Task Tls_with_a_pem_certificate_and_separate_key()
    {
        var handler = new RecordingHandler();
        var listener = Listener(SipTransport.Tls, IPAddress.Loopback) with { CertificatePath = _certPemPath, PrivateKeyPath = _keyPemPath };
        var manager = await StartManagerAsync(handler, listener);
        await using var phone = await PhoneAsync(manager.Listeners.Single().LocalEndPoint);

        await phone.WriteAsync(Ascii(Request("pem")));
        var received = await handler.NextAsync();

        Assert.That(received.Text, Is.EqualTo(Request("pem")));
    }

    [Test]
    public async Task Outbound_tls_validates_the_server_certificate_unless_told_not_to()
    {
        var serverHandler = new RecordingHandler();
        var server = await StartManagerAsync(serverHandler, PfxListener());
        var serverEndPoint = server.Listeners.Single().LocalEndPoint;
        var strict = await StartManagerAsync(new RecordingHandler(), PfxListener());
        var lax = await StartManagerAsync(new RecordingHandler(), PfxListener(), settings: new SipTransportSettings { AcceptAnyServerCertificate = true });

        var refused = await strict.SendAsync(SipTransport.Tls, serverEndPoint, Ascii(Request("strict")), "localhost");
        var accepted = await lax.SendAsync(SipTransport.Tls, serverEndPoint, Ascii(Request("lax")), "localhost");
        var received = await serverHandler.NextAsync();

        Assert.That(refused, Is.EqualTo(SipSendResult.ConnectFailed), "a self-signed certificate is not trusted by default");
        Assert.That(accepted, Is.EqualTo(SipSendResult.Sent));
        Assert.That(received.Text, Is.EqualTo(Request("lax")));
    }

    [Test]
    public async Task Stalled_tls_handshake_is_closed_after_the_partial_timeout()
    {
        var handler = new RecordingHandler();
        var manager = await StartManagerAsync(handler, PfxListener(), new SipLimitOptions { PartialMessageTimeout = TimeSpan.FromSeconds(10) });
        using var silent = await ConnectAsync(manager.Listeners.Single().LocalEndPoint);
        await WaitUntilAsync(() => manager.Statistics.ConnectionsAccepted == 1, "the accept");

        _time.Advance(TimeSpan.FromSeconds(11));
        var closed = await ClosedByServerAsync(silent);
        var error = await handler.NextErrorAsync(SipTransportErrorKind.ConnectionClosed);

        Assert.That(closed, Is.True);
        Assert.That(error.CloseReason, Is.EqualTo(SipConnectionCloseReason.PartialTimeout));
    }

    [Test]
    public void Unreadable_certificate_refuses_to_start_naming_the_listener()
    {
        var listener = Listener(SipTransport.Tls, IPAddress.Loopback) with { CertificatePath = _folder.Combine("missing.pfx") };
        var manager = new SipTransportManager(Options(null, listener), new RecordingHandler(), _time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SipTransportManager>.Instance);
        _managers.Add(manager);

        var error = Assert.ThrowsAsync<SipListenerBindException>(() => manager.StartAsync());

        Assert.That(error!.Message, Does.Contain("tls:127.0.0.1:0").And.Contain("missing.pfx"));
    }
}
