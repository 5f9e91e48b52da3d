using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transport;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Sip.Registrar;

/// <summary>A registrar over an in-memory store on fake time, with a UDP and a TCP listener to build flows from
/// (bound to ephemeral loopback ports and never used for traffic).</summary>
internal sealed class RegistrarHarness : IAsyncDisposable
{
    public static readonly IPEndPoint PhoneAddress = new(IPAddress.Parse("192.0.2.10"), 5060);

    private readonly Socket _udpSocket;
    private readonly Socket _tcpSocket;

    public RegistrarHarness(RegistrarOptions? registrar = null, int maxContacts = 3, Func<FakeTimeProvider, TimeProvider>? wrapTime = null)
    {
        Time = new FakeTimeProvider();
        TimeProvider = wrapTime?.Invoke(Time) ?? Time;
        Configuration = new TestConfiguration(TestOptions.Create(registrar, maxContacts));
        Store = new RegistrationStore(TimeProvider, StoreLog);
        Registrar = new SipRegistrar(Store, Configuration, RegistrarLog);
        (_udpSocket, UdpListener) = Bind(SipTransport.Udp);
        (_tcpSocket, TcpListener) = Bind(SipTransport.Tcp);
        UdpFlow = new SipFlow(UdpListener, PhoneAddress, 0);
    }

    public FakeTimeProvider Time { get; }

    public TimeProvider TimeProvider { get; }

    public TestConfiguration Configuration { get; }

    public RegistrationStore Store { get; }

    public SipRegistrar Registrar { get; }

    public ListLogger<RegistrationStore> StoreLog { get; } = new();

    public ListLogger<SipRegistrar> RegistrarLog { get; } = new();

    public SipListener UdpListener { get; }

    public SipListener TcpListener { get; }

    public SipFlow UdpFlow { get; }

    public SipFlow TcpFlow(int remotePort, long connectionId) =>
        new(TcpListener, new IPEndPoint(PhoneAddress.Address, remotePort), connectionId);

    public SipResponse Send(SipRequest request, string? authenticatedUser = null, SipFlow? flow = null) =>
        Registrar.Register(request, authenticatedUser ?? request.To!.Uri!.User!, flow ?? UdpFlow, (status, reason) => SipMessageBuilder.ForResponse(request, status, reason, "srv1"))
            .BuildResponse();

    /// <summary>Registers one contact and asserts the 200.</summary>
    public SipResponse Register(string extension, string contact, string callId = "call-a", uint cseq = 1, uint? expires = null, SipFlow? flow = null)
    {
        var response = Send(Requests.Register(extension, [contact], callId, cseq, expires), flow: flow);
        Assert.That(response.StatusCode, Is.EqualTo(200), response.ToString);
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _udpSocket.Dispose();
        _tcpSocket.Dispose();
    }

    internal static (Socket Socket, SipListener Listener) Bind(SipTransport transport)
    {
        var socket = transport == SipTransport.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = new SipListenerOptions { Transport = transport, Address = IPAddress.Loopback, Port = 0 };
        return (socket, new SipListener(options, transport == SipTransport.Udp ? 0 : 1, socket));
    }
}

internal static class Requests
{
    private static int _branch;

    /// <summary>A REGISTER for extension@pbx.test. Each contact is written as given (e.g. "&lt;sip:1000@192.0.2.10&gt;;expires=60").</summary>
    public static SipRequest Register(
        string extension, IEnumerable<string> contacts, string callId = "call-a", uint cseq = 1, uint? expires = null,
        string toHost = "pbx.test", string? userAgent = "TestPhone/1.0")
    {
        var text = "REGISTER sip:" + toHost + " SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK{Interlocked.Increment(ref _branch)};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{extension}@{toHost}>;tag=ph{cseq}\r\n" +
            $"To: <sip:{extension}@{toHost}>\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} REGISTER\r\n";
        foreach (var contact in contacts)
        {
            text += $"Contact: {contact}\r\n";
        }

        if (expires is { } e)
        {
            text += $"Expires: {e}\r\n";
        }

        if (userAgent is not null)
        {
            text += $"User-Agent: {userAgent}\r\n";
        }

        return SipTestMessages.ParseRequest(text + "Content-Length: 0\r\n\r\n");
    }
}

internal static class TestOptions
{
    public static CallCenterOptions Create(RegistrarOptions? registrar = null, int maxContacts = 3) => new()
    {
        Node = new NodeOptions { Name = "test" },
        Sip = new SipOptions
        {
            Realm = "pbx.test",
            Domain = "pbx.test",
            UserAgent = "CallCenter-Test",
            Listeners = [],
            Registrar = registrar ?? new RegistrarOptions(),
        },
        Rtp = new RtpOptions(),
        Web = new WebOptions(),
        Storage = new StorageOptions { DataFolder = "/tmp/unused", RecordingsFolder = "/tmp/unused" },
        Logging = new LoggingOptions { Folder = "/tmp/unused" },
        Shutdown = new ShutdownOptions(),
        Extensions = new ExtensionsOptions
        {
            Users = [User("1000", maxContacts), User("1001", maxContacts), User("1002", maxContacts)],
        },
    };

    private static UserOptions User(string extension, int maxContacts) => new()
    {
        Extension = extension,
        DisplayName = "User " + extension,
        Credential = new SipCredential { Password = "secret" },
        MaxContacts = maxContacts,
    };
}

/// <summary>A live configuration the test replaces at will, raising Changed like the real watcher.</summary>
internal sealed class TestConfiguration(CallCenterOptions initial) : ILiveConfiguration
{
    private CallCenterOptions _current = initial;

    public event Action<CallCenterOptions>? Changed;

    public CallCenterOptions Current => Volatile.Read(ref _current);

    public void Set(CallCenterOptions options)
    {
        Volatile.Write(ref _current, options with { Generation = _current.Generation + 1 });
        Changed?.Invoke(Current);
    }

    public void SetQualifyInterval(TimeSpan interval) =>
        Set(Current with { Sip = Current.Sip with { Registrar = Current.Sip.Registrar with { QualifyInterval = interval } } });
}

/// <summary>Counts timers created through it, to show a component keeps one timer rather than one per item.</summary>
internal sealed class CountingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private int _timersCreated;

    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        return inner.CreateTimer(callback, state, dueTime, period);
    }
}
