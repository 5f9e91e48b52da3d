using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls.Legs;

/// <summary>
/// The call layer with no network: a <see cref="CallManager"/> whose INVITE and non-INVITE clients are test doubles
/// that record what the server sends and let the test answer as the phone would, incoming requests as
/// <see cref="RecordingServerTransaction"/>s, registrations in a real store, a real relay on loopback (never fed
/// here) and fake time for the call's own timers (ring timeout, §14.1 glare waits). Calls run on their own
/// contexts on the thread pool, so assertions wait (boundedly) for what the call does.
/// </summary>
internal sealed class CallHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly SipListener _listener;
    private readonly SipRegistrar _registrar;
    private int _nextPhone = 10;

    public CallHarness(params string[] extensions)
    {
        Configuration = new StaticConfiguration(StaticConfiguration.Options(extensions.Length == 0 ? ["1000", "2000", "3000", "4000"] : extensions));
        Store = new RegistrationStore(Time, NullLogger<RegistrationStore>.Instance);
        _registrar = new SipRegistrar(Store, Configuration, NullLogger<SipRegistrar>.Instance);
        Media = new MediaRelayManager(
            new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = 41000, PortMax = 41999 },
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        Manager = new CallManager(Configuration, Store, Media, new Lazy<ISipInviteClient>(Invites), new Lazy<ISipClient>(Client), Time, NullLoggerFactory.Instance);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener = new SipListener(new SipListenerOptions { Transport = SipTransport.Udp, Address = IPAddress.Loopback, Port = 0 }, 0, _socket);
    }

    public FakeTimeProvider Time { get; } = new();

    public StaticConfiguration Configuration { get; }

    public RegistrationStore Store { get; }

    public MediaRelayManager Media { get; }

    public FakeInviteClient Invites { get; } = new();

    public FakeSipClient Client { get; } = new();

    public CallManager Manager { get; }

    public UserOptions User(string extension) => Configuration.Current.Extensions.FindUser(extension)!;

    /// <summary>Registers a phone for <paramref name="extension"/> at a documentation address of its own.</summary>
    public void Register(string extension)
    {
        var phone = new IPEndPoint(IPAddress.Parse("192.0.2." + _nextPhone++.ToString(CultureInfo.InvariantCulture)), 5060);
        var text = $"REGISTER sip:test.local SIP/2.0\r\nVia: SIP/2.0/UDP {phone};branch=z9hG4bKreg{extension}\r\nMax-Forwards: 70\r\n" +
                   $"From: <sip:{extension}@test.local>;tag=r{extension}\r\nTo: <sip:{extension}@test.local>\r\nCall-ID: reg-{extension}\r\nCSeq: 1 REGISTER\r\n" +
                   $"Contact: <sip:{extension}@{phone}>\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n";
        Assert.That(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error), Is.True, error.ToString());
        var response = _registrar.Register((SipRequest)message!, extension, new SipFlow(_listener, phone, 0), (status, reason) => SipMessageBuilder.ForResponse((SipRequest)message!, status, reason, "srv"))
            .BuildResponse();
        Assert.That(response.StatusCode, Is.EqualTo(200));
    }

    /// <summary>Hands a phone's in-dialog request to the calls and waits for its final answer.</summary>
    public async Task<RecordingServerTransaction> SendInDialogAsync(RecordingServerTransaction request)
    {
        Assert.That(Manager.TryHandleInDialog(request), Is.True, "the request must match a call's dialog");
        await UntilAsync(() => request.HasFinalResponse, "the answer to " + request.Request.Method);
        return request;
    }

    /// <summary>A key pressed on <paramref name="caller"/>'s phone as SIP INFO (application/dtmf-relay).</summary>
    public static RecordingServerTransaction DtmfInfo(RecordingServerTransaction invite, PhoneDialog caller, char digit)
    {
        var body = $"Signal={digit}\r\nDuration=160\r\n";
        var text = $"INFO sip:callcenter@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKinfo{caller.LocalTag}\r\nMax-Forwards: 70\r\n" +
                   $"From: <{invite.Request.From!.Uri}>;tag={caller.LocalTag}\r\nTo: <{invite.Request.To!.Uri}>;tag={caller.RemoteTag}\r\n" +
                   $"Call-ID: {caller.CallId}\r\nCSeq: 2 INFO\r\nContent-Type: application/dtmf-relay\r\n" +
                   $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        return new RecordingServerTransaction(text);
    }

    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                Assert.Fail("timed out waiting for " + what);
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Lets the calls' contexts run whatever was posted (used before asserting that nothing happened).</summary>
    public static Task SettleAsync() => Task.Delay(100);

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        await Media.DisposeAsync();
        await Store.DisposeAsync();
        _socket.Dispose();
    }

    public static string Sdp(int port, string direction = "sendrecv", string formats = "0 8 101") =>
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        $"m=audio {port} RTP/AVP {formats}\r\n" +
        (formats.Contains('0', StringComparison.Ordinal) && formats.Split(' ').Contains("0") ? "a=rtpmap:0 PCMU/8000\r\n" : string.Empty) +
        (formats.Split(' ').Contains("8") ? "a=rtpmap:8 PCMA/8000\r\n" : string.Empty) +
        (formats.Split(' ').Contains("101") ? "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n" : string.Empty) +
        $"a={direction}\r\n";

    public static string Direction(SipMessage message)
    {
        var body = Encoding.UTF8.GetString(message.Body.Span);
        foreach (var d in new[] { "sendrecv", "sendonly", "recvonly", "inactive" })
        {
            if (body.Contains("a=" + d, StringComparison.Ordinal))
            {
                return d;
            }
        }

        return "sendrecv";
    }
}

/// <summary>Records every INVITE and ACK the server sends; the test answers an INVITE through its owner.</summary>
internal sealed class FakeInviteClient : ISipInviteClient
{
    private int _branch;

    public ConcurrentQueue<SentInvite> Sent { get; } = new();

    public ConcurrentQueue<SipRequest> Acks { get; } = new();

    public SentInvite this[int index] => Sent.ElementAt(index);

    public SipClientInvite SendInvite(SipMessageBuilder invite, SipTarget target, ISipInviteOwner owner)
    {
        invite.AddHeaderFirst("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKinv" + Interlocked.Increment(ref _branch).ToString(CultureInfo.InvariantCulture));
        var request = invite.BuildRequest();
        var sent = new SentInvite(request, target, owner);
        Sent.Enqueue(sent);
        return sent.Handle;
    }

    public ValueTask<SipSendResult> SendAckAsync(SipMessageBuilder ack, SipTarget target)
    {
        ack.AddHeaderFirst("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKack" + Interlocked.Increment(ref _branch).ToString(CultureInfo.InvariantCulture));
        Acks.Enqueue(ack.BuildRequest());
        return ValueTask.FromResult(SipSendResult.Sent);
    }
}

/// <summary>One INVITE the server sent, and the phone's side of its transaction.</summary>
internal sealed class SentInvite
{
    private readonly ISipInviteOwner _owner;

    public SentInvite(SipRequest request, SipTarget target, ISipInviteOwner owner)
    {
        Request = request;
        Target = target;
        _owner = owner;
        Handle = new SipClientInvite(request, target, () => Cancelled = true);
    }

    public SipRequest Request { get; }

    public SipTarget Target { get; }

    public SipClientInvite Handle { get; }

    public volatile bool Cancelled;

    public string ToTag { get; set; } = "phone" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);

    public string Direction => CallHarness.Direction(Request);

    public void Respond(int status, string? sdp = null, string? reason = null)
    {
        var response = SipMessageBuilder.ForResponse(Request, status, reason, ToTag)
            .AddHeader("Contact", $"<sip:phone@{Target.EndPoint}>");
        if (sdp is not null)
        {
            response.SetBody(Encoding.UTF8.GetBytes(sdp), "application/sdp");
        }

        var built = response.BuildResponse();
        if (status < 200)
        {
            _owner.OnProvisional(Handle, built);
        }
        else if (status < 300)
        {
            _owner.OnSuccess(Handle, built);
        }
        else
        {
            _owner.OnFailure(Handle, SipClientResult.Of(built));
        }
    }

    /// <summary>The dialog as the phone sees it after answering with <see cref="ToTag"/>: requests it sends.</summary>
    public PhoneDialog Dialog(uint firstSequence = 1) =>
        new(Request.CallId!, ToTag, Request.From!.Tag!, Request.To!.Uri!.ToString(), Request.From!.Uri!.ToString(), firstSequence);
}

/// <summary>Records every non-INVITE request the server sends (BYE, NOTIFY) and answers each 200 unless told.</summary>
internal sealed class FakeSipClient : ISipClient
{
    public ConcurrentQueue<SipRequest> Sent { get; } = new();

    public Func<SipRequest, int> Status { get; set; } = _ => 200;

    public IEnumerable<SipRequest> Of(string method) => Sent.Where(r => r.IsMethod(method));

    public Task<SipClientResult> SendNonInviteAsync(SipMessageBuilder request, SipTarget target, CancellationToken cancellationToken = default)
    {
        request.AddHeaderFirst("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnon" + Sent.Count.ToString(CultureInfo.InvariantCulture));
        var built = request.BuildRequest();
        Sent.Enqueue(built);
        var response = SipMessageBuilder.ForResponse(built, Status(built)).BuildResponse();
        return Task.FromResult(SipClientResult.Of(response));
    }
}

/// <summary>A phone's side of one dialog with the server: builds the requests it sends in it.</summary>
internal sealed class PhoneDialog(string callId, string localTag, string remoteTag, string localUri, string remoteUri, uint firstSequence)
{
    private uint _sequence = firstSequence;

    public string CallId { get; } = callId;

    public string LocalTag { get; } = localTag;

    public string RemoteTag { get; } = remoteTag;

    public RecordingServerTransaction Request(string method, string? sdp = null, string? extraHeaders = null, uint? sequence = null)
    {
        var number = sequence ?? ++_sequence;
        var body = sdp ?? string.Empty;
        var text = $"{method} sip:callcenter@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK{method}{number}{LocalTag}\r\nMax-Forwards: 70\r\n" +
                   $"From: <{localUri}>;tag={LocalTag}\r\nTo: <{remoteUri}>;tag={RemoteTag}\r\nCall-ID: {CallId}\r\nCSeq: {number} {method}\r\n" +
                   $"Contact: <sip:phone@192.0.2.99:5060>\r\n{extraHeaders}" +
                   (sdp is null ? string.Empty : "Content-Type: application/sdp\r\n") +
                   $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        return new RecordingServerTransaction(text);
    }

    public SipRequest Ack(uint sequence)
    {
        var text = $"ACK sip:callcenter@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKack{sequence}{LocalTag}\r\nMax-Forwards: 70\r\n" +
                   $"From: <{localUri}>;tag={LocalTag}\r\nTo: <{remoteUri}>;tag={RemoteTag}\r\nCall-ID: {CallId}\r\nCSeq: {sequence} ACK\r\nContent-Length: 0\r\n\r\n";
        Assert.That(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error), Is.True, error.ToString());
        return (SipRequest)message!;
    }
}
