using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Media.Relay;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>
/// The B2BUA with no network but its media relay: the caller's INVITE is a <see cref="RecordingServerTransaction"/>,
/// the callee's INVITEs go to <see cref="FakeInvites"/>, whose handles the test answers through their owners as the
/// transaction layer would, and BYE/ACK are recorded. Time is a <see cref="FakeTimeProvider"/>. Call logic runs on
/// each call's context on the thread pool, so assertions wait for what they expect (<see cref="UntilAsync"/>).
/// </summary>
internal sealed class CallHarness : IAsyncDisposable
{
    public const string CalleeSdp =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

    private const string CallerSdp =
        "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

    private static int _portBlock;
    private readonly List<RecordingServerTransaction> _callers = [];
    private int _callerSequence;

    /// <param name="media">Changes to the relay's options (its port block is the harness's own).</param>
    public CallHarness(CallCenterOptions options, ILoggerFactory? loggers = null, CallSettings? settings = null, Func<MediaRelayOptions, MediaRelayOptions>? media = null)
    {
        Configuration = new StaticConfiguration(options);
        Registrations = new RegistrationStore(Time, NullLogger<RegistrationStore>.Instance);
        // A block of its own per harness: tests of other fixtures may run at the same time.
        var first = 46000 + (Interlocked.Increment(ref _portBlock) % 20 * 100);
        Media = new MediaRelayManager(
            (media ?? (o => o))(new MediaRelayOptions { BindAddress = IPAddress.Loopback, PortMin = first, PortMax = first + 99 }),
            TimeProvider.System,
            NullLogger<MediaRelayManager>.Instance);
        Manager = new CallManager(
            Configuration, Registrations, Media, new Lazy<ISipInviteClient>(Invites), new Lazy<ISipClient>(Client), Time, loggers ?? NullLoggerFactory.Instance, settings);
    }

    public FakeTimeProvider Time { get; } = new();

    public StaticConfiguration Configuration { get; }

    public RegistrationStore Registrations { get; }

    public MediaRelayManager Media { get; }

    public FakeInvites Invites { get; } = new();

    public FakeClient Client { get; } = new();

    public CallManager Manager { get; }

    /// <summary>Options for <paramref name="extensions"/>, each with room for several phones.</summary>
    public static CallCenterOptions Options(params string[] extensions) => StaticConfiguration.Options(extensions);

    /// <summary><paramref name="options"/> with one user changed.</summary>
    public static CallCenterOptions WithUser(CallCenterOptions options, string extension, Func<UserOptions, UserOptions> change) =>
        options with
        {
            Extensions = options.Extensions with
            {
                Users = [.. options.Extensions.Users.Select(u => u.Extension == extension ? change(u) : u)],
            },
        };

    /// <summary>Registers <paramref name="phones"/> contacts for the extension, phone i at 192.0.2.(hostBase + i).</summary>
    public void Register(string extension, int phones, Reachability reachability = Reachability.Unknown, int hostBase = 10)
    {
        var snapshot = Registrations.GetSnapshot(extension);
        var now = Time.GetUtcNow();
        var bindings = Enumerable.Range(1, phones).Select(i =>
        {
            var address = $"192.0.2.{hostBase + i}";
            SipUri.TryParse($"sip:{extension}@{address}:5060", out var uri, out _);
            return new ContactBinding
            {
                Extension = extension,
                ContactUri = uri!,
                Target = new SipTarget(SipTransport.Udp, new IPEndPoint(IPAddress.Parse(address), 5060)),
                CallId = $"reg-{extension}-{i}",
                CSeq = 1,
                ExpiresAtUtc = now.AddHours(1),
                RegisteredAtUtc = now,
                UpdatedAtUtc = now,
                Reachability = reachability,
                ExpiresAt = Registrations.Now + TimeSpan.FromHours(1),
                UpdatedAt = Registrations.Now + TimeSpan.FromTicks(i),
            };
        }).ToList();
        Assert.That(Registrations.TryCommit(extension, snapshot.Version, bindings, [], out _, out _), Is.True);
    }

    /// <summary>The caller <paramref name="from"/> dials <paramref name="to"/>: its INVITE, as the dispatcher
    /// hands it to the call layer once authenticated. <paramref name="receivedAt"/>: when the transaction layer
    /// got it (a timestamp of <see cref="Time"/>; 0 for unknown), <paramref name="backlog"/>: items queued behind it.</summary>
    public RecordingServerTransaction Dial(string from, string to, long receivedAt = 0, int backlog = 0)
    {
        var n = Interlocked.Increment(ref _callerSequence).ToString(CultureInfo.InvariantCulture);
        var text =
            $"INVITE sip:{to}@test.local SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 192.0.2.99:5062;branch=z9hG4bKcaller{n}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{from}@test.local>;tag=caller{n}\r\n" +
            $"To: <sip:{to}@test.local>\r\n" +
            $"Call-ID: caller-{n}@192.0.2.99\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "Contact: <sip:" + from + "@192.0.2.99:5062>\r\n" +
            "Content-Type: application/sdp\r\n" +
            $"Content-Length: {Encoding.ASCII.GetByteCount(CallerSdp)}\r\n\r\n" + CallerSdp;
        var transaction = new RecordingServerTransaction(text) { ReceivedAt = receivedAt, QueuedBehind = backlog };
        lock (_callers)
        {
            _callers.Add(transaction);
        }

        Manager.OnInvite(transaction, Configuration.Current.Extensions.FindUser(from)!);
        return transaction;
    }

    /// <summary>The caller's ACK for the 200 it got (§13.2.2.4), as the dispatcher hands it to the call layer.</summary>
    public void Ack(RecordingServerTransaction caller)
    {
        var ok = caller.Final;
        var text =
            "ACK sip:callcenter@127.0.0.1 SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 192.0.2.99:5062;branch=z9hG4bKack{Interlocked.Increment(ref _callerSequence)}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: {ok.GetHeaderValue("From")}\r\n" +
            $"To: {ok.GetHeaderValue("To")}\r\n" +
            $"Call-ID: {ok.CallId}\r\n" +
            "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
        Assert.That(SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error), Is.True, error.ToString());
        Assert.That(Manager.OnAck((SipRequest)message!, caller.Flow), Is.True, "the ACK belongs to the call\n" + text);
    }

    /// <summary>Waits (bounded) for something a call does on its own context.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                Assert.Fail("timed out waiting until " + what);
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Lets every call finish what was posted to it: the condition held and stays so for a moment.</summary>
    public Task IdleAsync() => UntilAsync(() => Manager.ActiveCalls == 0, "no call is left");

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        await Media.DisposeAsync();
        await Registrations.DisposeAsync();
        lock (_callers)
        {
            foreach (var caller in _callers)
            {
                caller.Dispose();
            }
        }
    }
}

/// <summary>The transaction layer's INVITE side as the call layer sees it: every INVITE kept, answered by the test.</summary>
internal sealed class FakeInvites : ISipInviteClient
{
    private int _branch;

    public ConcurrentQueue<SentInvite> Sent { get; } = new();

    public ConcurrentQueue<SipRequest> Acks { get; } = new();

    public IReadOnlyList<SentInvite> To(string address) => [.. Sent.Where(s => s.Target.EndPoint.Address.ToString() == address)];

    public SipClientInvite SendInvite(SipMessageBuilder invite, SipTarget target, ISipInviteOwner owner)
    {
        var branch = Interlocked.Increment(ref _branch).ToString(CultureInfo.InvariantCulture);
        var request = invite.AddHeaderFirst("Via", $"SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKfake{branch}").BuildRequest();
        var sent = new SentInvite(request, target, owner);
        Sent.Enqueue(sent);
        return sent.Handle;
    }

    public ValueTask<SipSendResult> SendAckAsync(SipMessageBuilder ack, SipTarget target)
    {
        Acks.Enqueue(ack.AddHeaderFirst("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKack").BuildRequest());
        return ValueTask.FromResult(SipSendResult.Sent);
    }
}

/// <summary>One INVITE the call layer sent: the phone's side of it, driven by the test.</summary>
internal sealed class SentInvite
{
    private int _cancelled;

    public SentInvite(SipRequest request, SipTarget target, ISipInviteOwner owner)
    {
        Request = request;
        Target = target;
        Owner = owner;
        Handle = new SipClientInvite(request, target, () => Interlocked.Exchange(ref _cancelled, 1));
    }

    public SipRequest Request { get; }

    public SipTarget Target { get; }

    public ISipInviteOwner Owner { get; }

    public SipClientInvite Handle { get; }

    public bool Cancelled => Volatile.Read(ref _cancelled) != 0;

    public string Tag => "phone" + Target.EndPoint.Address.GetAddressBytes()[3].ToString(CultureInfo.InvariantCulture);

    public void Provisional(int status, string? sdp = null) => Owner.OnProvisional(Handle, Response(status, sdp));

    public void Answer(string sdp = CallHarness.CalleeSdp, string? tag = null) => Owner.OnSuccess(Handle, Response(200, sdp, tag));

    public void Fail(int status) => Owner.OnFailure(Handle, SipClientResult.Of(Response(status, null)));

    public void TimeOut() => Owner.OnFailure(Handle, SipClientResult.Failed(SipClientFailure.Timeout));

    private SipResponse Response(int status, string? sdp, string? tag = null)
    {
        var builder = SipMessageBuilder.ForResponse(Request, status, toTag: tag ?? Tag)
            .AddHeader("Contact", $"<sip:phone@{Target.EndPoint}>");
        if (sdp is not null)
        {
            builder.SetBody(Encoding.ASCII.GetBytes(sdp), "application/sdp");
        }

        return builder.BuildResponse();
    }
}

/// <summary>Non-INVITE requests the call layer sends (BYE): recorded and answered 200.</summary>
internal sealed class FakeClient : ISipClient
{
    public ConcurrentQueue<(SipRequest Request, SipTarget Target)> Sent { get; } = new();

    public IReadOnlyList<SipRequest> Byes(string address) =>
        [.. Sent.Where(s => s.Request.Method == SipMethods.Bye && s.Target.EndPoint.Address.ToString() == address).Select(s => s.Request)];

    public Task<SipClientResult> SendNonInviteAsync(SipMessageBuilder request, SipTarget target, CancellationToken cancellationToken = default)
    {
        var built = request.AddHeaderFirst("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnon").BuildRequest();
        Sent.Enqueue((built, target));
        return Task.FromResult(SipClientResult.Of(SipResponse.Create(built, 200)));
    }
}
