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
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Sip.Transactions;

/// <summary>
/// The transaction layer with no network and no real time: a fake clock, a sender that records every message, a TU
/// and an INVITE owner that record every call. With the Inline driver every post runs on the test thread at once, so
/// a timer fired by <see cref="Advance"/> has done its work (and armed its successor at its own due time) before
/// Advance moves on: sequences of retransmissions come out at their exact RFC times.
/// </summary>
internal sealed class TransactionHarness : IAsyncDisposable
{
    public static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan T2 = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan T4 = TimeSpan.FromSeconds(5);

    /// <summary>The phone's address as the requests in these tests come from it.</summary>
    public static readonly IPEndPoint Phone = new(IPAddress.Parse("192.0.2.10"), 5060);

    private readonly DateTimeOffset _start;
    private readonly List<Socket> _sockets = [];

    public TransactionHarness(
        SipShardDriver driver = SipShardDriver.Inline,
        int shards = 2,
        int capacity = 64,
        ILoggerFactory? loggers = null,
        SipTimerOptions? timers = null,
        bool bindAny = false,
        TimeSpan? clockGranularity = null)
    {
        _start = Time.GetUtcNow();
        Configuration = new MutableConfiguration(Options(timers ?? new SipTimerOptions()));
        Bans = new AuthFailureTracker(Time, NullLogger<AuthFailureTracker>.Instance);
        var address = bindAny ? IPAddress.Any : IPAddress.Loopback;
        UdpListener = Listener(SipTransport.Udp, address, 0);
        TcpListener = Listener(SipTransport.Tcp, address, 1);
        Sender = new RecordingSender(this) { Listeners = [UdpListener, TcpListener] };
        Layer = new SipTransactionLayer(Configuration, Bans, User, Time, loggers ?? NullLoggerFactory.Instance,
            new SipTransactionSettings { ShardCount = shards, QueueCapacity = capacity, Driver = driver, ClockGranularity = clockGranularity });
        Layer.Start(Sender);
    }

    public FakeTimeProvider Time { get; } = new();

    public MutableConfiguration Configuration { get; }

    public AuthFailureTracker Bans { get; }

    public RecordingSender Sender { get; }

    public RecordingUser User { get; } = new();

    public SipTransactionLayer Layer { get; }

    public SipListener UdpListener { get; }

    public SipListener TcpListener { get; }

    public SipFlow UdpFlow => new(UdpListener, Phone, 0);

    public SipFlow TcpFlow => new(TcpListener, Phone, 7);

    public TimeSpan Elapsed => Time.GetUtcNow() - _start;

    public SipTransactionStatistics Statistics => Layer.Statistics;

    public void Receive(string message, SipFlow? flow = null) => Receive(Encoding.UTF8.GetBytes(message), flow);

    public void Receive(byte[] message, SipFlow? flow = null) => Layer.OnMessageReceived(message, flow ?? UdpFlow);

    /// <summary>A datagram that waited <paramref name="waited"/> in the kernel's buffer before it was read.</summary>
    public void ReceiveQueued(string message, TimeSpan waited) => Layer.OnMessageReceived(Encoding.UTF8.GetBytes(message), UdpFlow, waited);

    public void Advance(TimeSpan delta) => Time.Advance(delta);

    public async ValueTask DisposeAsync()
    {
        await Layer.DisposeAsync();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    /// <summary>A listener over a bound socket that never reads: the layer only asks it for its address.</summary>
    public SipListener Listener(SipTransport transport, IPAddress address, int index)
    {
        var socket = transport == SipTransport.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        _sockets.Add(socket);
        return new SipListener(new SipListenerOptions { Transport = transport, Address = address, Port = 0 }, index, socket);
    }

    private static CallCenterOptions Options(SipTimerOptions timers) => new()
    {
        Node = new NodeOptions { Name = "test" },
        Sip = new SipOptions
        {
            Realm = "test",
            Domain = "test.local",
            Listeners = [],
            Timers = timers,
        },
        Rtp = new RtpOptions(),
        Web = new WebOptions(),
        Storage = new StorageOptions { DataFolder = "/tmp/unused", RecordingsFolder = "/tmp/unused" },
        Logging = new LoggingOptions { Folder = "/tmp/unused" },
        Shutdown = new ShutdownOptions(),
        Extensions = new ExtensionsOptions { Users = ImmutableArray<UserOptions>.Empty },
    };
}

internal sealed class MutableConfiguration(CallCenterOptions options) : ILiveConfiguration
{
    public CallCenterOptions Current { get; set; } = options;

    public event Action<CallCenterOptions>? Changed
    {
        add { }
        remove { }
    }
}

/// <summary>One message handed to the transport.</summary>
internal sealed record SentMessage(SipFlow? Flow, SipTransport Transport, IPEndPoint EndPoint, byte[] Bytes, TimeSpan At)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    public SipMessage Message => SipMessageParser.TryParse(Bytes, SipParseOptions.Stream, out var message, out var error)
        ? message
        : throw new AssertionException("the layer sent something unparseable: " + error);

    public SipRequest Request => (SipRequest)Message;

    public SipResponse Response => (SipResponse)Message;

    /// <summary>"INVITE", "ACK" for requests; "200", "486" for responses.</summary>
    public string What => Message is SipRequest request ? request.Method : ((SipResponse)Message).StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => $"{What} at {At.TotalSeconds}s to {Flow?.ToString() ?? EndPoint.ToString()}";
}

/// <summary>Records every send; <see cref="Result"/> decides what the transport answers, <see cref="Hold"/> makes
/// sends complete later (as a TCP connect does).</summary>
internal sealed class RecordingSender(TransactionHarness harness) : ISipSender
{
    private readonly List<SentMessage> _sent = [];
    private readonly List<TaskCompletionSource<SipSendResult>> _held = [];

    public IReadOnlyList<SipListener> Listeners { get; set; } = [];

    public Func<SentMessage, SipSendResult> Result { get; set; } = _ => SipSendResult.Sent;

    public bool Hold { get; set; }

    public IReadOnlyList<SentMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public IReadOnlyList<SentMessage> Of(string what) => Sent.Where(m => m.What == what).ToList();

    public SentMessage Last => Sent[^1];

    public void Clear()
    {
        lock (_sent)
        {
            _sent.Clear();
        }
    }

    /// <summary>Completes every held send with <paramref name="result"/>.</summary>
    public void Release(SipSendResult result)
    {
        TaskCompletionSource<SipSendResult>[] held;
        lock (_held)
        {
            held = [.. _held];
            _held.Clear();
        }

        foreach (var send in held)
        {
            send.SetResult(result);
        }
    }

    public ValueTask<SipSendResult> SendAsync(SipFlow flow, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
        Record(new SentMessage(flow, flow.Transport, flow.Remote, message.ToArray(), harness.Elapsed));

    public ValueTask<SipSendResult> SendAsync(SipTransport transport, IPEndPoint remote, ReadOnlyMemory<byte> message, string? tlsTargetHost = null, CancellationToken cancellationToken = default) =>
        Record(new SentMessage(null, transport, remote, message.ToArray(), harness.Elapsed));

    private ValueTask<SipSendResult> Record(SentMessage message)
    {
        lock (_sent)
        {
            _sent.Add(message);
        }

        if (!Hold)
        {
            return ValueTask.FromResult(Result(message));
        }

        var pending = new TaskCompletionSource<SipSendResult>();
        lock (_held)
        {
            _held.Add(pending);
        }

        return new ValueTask<SipSendResult>(pending.Task);
    }
}

/// <summary>The TU: records every call; <see cref="Answer"/> (if set) answers each new request inside OnRequest.</summary>
internal sealed class RecordingUser : ISipRequestHandler
{
    private readonly List<SipServerTransaction> _requests = [];

    public IReadOnlyList<SipServerTransaction> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public List<SipServerTransaction> Cancels { get; } = [];

    public List<SipRequest> Acks { get; } = [];

    public List<(SipServerTransaction Transaction, SipTransactionFailure Failure)> Failures { get; } = [];

    public Action<SipServerTransaction>? Answer { get; set; }

    public SipServerTransaction Last => Requests[^1];

    public void OnRequest(SipServerTransaction transaction)
    {
        lock (_requests)
        {
            _requests.Add(transaction);
        }

        Answer?.Invoke(transaction);
    }

    public void OnCancel(SipServerTransaction invite) => Cancels.Add(invite);

    public void OnAck(SipRequest ack, SipFlow flow) => Acks.Add(ack);

    public void OnTransactionFailed(SipServerTransaction transaction, SipTransactionFailure failure) => Failures.Add((transaction, failure));
}

/// <summary>The owner of a client INVITE: every callback in order, as "180", "200", "486", "Timeout"...</summary>
internal sealed class RecordingOwner : ISipInviteOwner
{
    public List<string> Events { get; } = [];

    public List<SipResponse> Successes { get; } = [];

    /// <summary>The handle each success came with.</summary>
    public List<SipClientInvite> Invites { get; } = [];

    public List<SipClientResult> Failures { get; } = [];

    public Action<SipClientInvite, SipResponse>? OnProvisionalDo { get; set; }

    public void OnProvisional(SipClientInvite invite, SipResponse response)
    {
        Events.Add(response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        OnProvisionalDo?.Invoke(invite, response);
    }

    public void OnSuccess(SipClientInvite invite, SipResponse response)
    {
        Events.Add(response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Successes.Add(response);
        Invites.Add(invite);
    }

    public void OnFailure(SipClientInvite invite, SipClientResult result)
    {
        Events.Add(result.Response?.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? result.Failure.ToString());
        Failures.Add(result);
    }
}

/// <summary>Messages for the tests, written out as a peer would send them.</summary>
internal static class Wire
{
    public static string Request(
        string method,
        string branch = "z9hG4bKbranch1",
        string callId = "call-1@test",
        uint cseq = 1,
        string? cseqMethod = null,
        string? toTag = null,
        string sentBy = "192.0.2.10:5060",
        string transport = "UDP",
        string uri = "sip:1000@192.0.2.2",
        string fromTag = "from1",
        string extra = "")
    {
        var branchParameter = branch.Length == 0 ? string.Empty : ";branch=" + branch;
        return $"{method} {uri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} {sentBy}{branchParameter};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:alice@192.0.2.10>;tag={fromTag}\r\n" +
            $"To: <{uri}>" + (toTag is null ? string.Empty : ";tag=" + toTag) + "\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} {cseqMethod ?? method}\r\n" +
            extra +
            "Content-Length: 0\r\n\r\n";
    }

    /// <summary>A response to a request the layer sent, as its peer would write it (§8.2.6).</summary>
    public static byte[] ResponseTo(SipRequest request, int status, string? toTag = "callee1") =>
        SipMessageBuilder.ForResponse(request, status, reason: null, toTag: status > 100 ? toTag : null).ToBytes();

    /// <summary>A request for the layer to send as a client (no Via: the layer adds it).</summary>
    public static SipMessageBuilder Outgoing(string method, string callId = "out-1@test", uint cseq = 1, string uri = "sip:bob@192.0.2.20", params string[] routes)
    {
        var builder = SipMessageBuilder.ForRequest(method, SipUri.Parse(uri));
        foreach (var route in routes)
        {
            builder.AddHeader("Route", route);
        }

        return builder
            .AddHeader("From", "\"Call Center\" <sip:pbx@192.0.2.2>;tag=pbx1")
            .AddHeader("To", $"<{uri}>")
            .AddHeader("Call-ID", callId)
            .AddHeader("CSeq", $"{cseq} {method}")
            .AddHeader("Contact", "<sip:pbx@192.0.2.2>");
    }

    public static SipTarget UdpTarget => new(SipTransport.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.20"), 5060));

    public static SipTarget TcpTarget => new(SipTransport.Tcp, new IPEndPoint(IPAddress.Parse("192.0.2.20"), 5060));

    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}
