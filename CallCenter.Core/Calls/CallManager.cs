using System.Collections.Concurrent;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Routing;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>
/// The B2BUA (issue 4): every call is two dialogs joined by the server, never a proxied end-to-end dialog, with its
/// media anchored in a <see cref="MediaRelay"/>. This class is the door: the dispatcher hands it authenticated
/// INVITEs, requests inside dialogs, ACKs for 2xx and CANCELs; it finds or creates the <see cref="Call"/> and posts
/// the work to that call's serial context. It holds what crosses calls: the dialog table, the per-extension and
/// server-wide call counts, and the relay manager.
/// <para>Threading: the entry points run on SIP transaction shards (the one of the request's Call-ID) and only look
/// things up and post; all call logic runs on the call's <see cref="CallContext"/>.</para>
/// </summary>
public sealed partial class CallManager : ISipCallHandler, IAsyncDisposable
{
    private readonly ILiveConfiguration _configuration;
    private readonly Lazy<ISipInviteClient> _invites;
    private readonly Lazy<ISipClient> _client;
    private readonly ConcurrentDictionary<long, Call> _calls = new();
    private readonly ConcurrentDictionary<SipServerTransaction, Call> _byInvite = new();
    private readonly ConcurrentDictionary<string, int> _perExtension = new(StringComparer.Ordinal);
    private readonly CallLogGate _logGate = new();
    private long _nextId;
    private long _rejectedOverload;
    private long _shed;
    private long _completed;

    public CallManager(
        ILiveConfiguration configuration,
        RegistrationStore registrations,
        MediaRelayManager media,
        Lazy<ISipInviteClient> invites,
        Lazy<ISipClient> client,
        TimeProvider time,
        ILoggerFactory loggers,
        CallSettings? settings = null,
        CdrWriter? cdr = null,
        UserFeatureStore? features = null)
    {
        Cdr = cdr;
        ArgumentNullException.ThrowIfNull(loggers);
        _configuration = configuration;
        Registrations = registrations;
        Media = media;
        _invites = invites;
        _client = client;
        Time = time;
        Settings = settings ?? new CallSettings();
        Logger = loggers.CreateLogger<CallManager>();
        LocalAddresses = new SipLocalAddresses(time);
        Features = features ?? new UserFeatureStore(time, loggers.CreateLogger<UserFeatureStore>());
    }

    public int ActiveCalls => _calls.Count;

    public long CompletedCalls => Interlocked.Read(ref _completed);

    /// <summary>INVITEs refused with 503 because the server or the caller was at its call limit, or no relay was left.</summary>
    public long RejectedOverload => Interlocked.Read(ref _rejectedOverload);

    /// <summary>INVITEs refused with 503 because they waited longer than <see cref="CallsOptions.ShedAfter"/>.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    internal CallSettings Settings { get; }

    /// <summary>Where calls report their CDR rows and CEL events (null in tests that do not look at them).</summary>
    internal CdrWriter? Cdr { get; }

    internal CallCenterOptions Options => _configuration.Current;

    internal RegistrationStore Registrations { get; }

    internal MediaRelayManager Media { get; }

    internal ISipInviteClient Invites => _invites.Value;

    internal ISipClient Client => _client.Value;

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal SipLocalAddresses LocalAddresses { get; }

    internal SipDialogTable<Call> Dialogs { get; } = new();

    /// <summary>Any thread: the features routing applies to <paramref name="user"/> now.</summary>
    internal UserFeatures FeaturesOf(UserOptions user) => Features.Resolve(user);

    /// <summary>What users changed of their call features at run time (feature codes, the web API).</summary>
    public UserFeatureStore Features { get; }

    /// <summary>Where queue calls are reported: the ACD's adapter, once the host attached it; null for a server
    /// without queues, whose queue numbers then reach nobody.</summary>
    internal IQueueCallEvents? Acd { get; private set; }

    public void AttachAcd(IQueueCallEvents acd) => Acd = acd;

    /// <summary>
    /// Shard: a new INVITE whose caller has authenticated as <paramref name="caller"/>. Load is refused here, before
    /// anything is allocated for the call, at the cost of a lookup and a response: an INVITE that waited too long
    /// behind a backlog (<see cref="CallsOptions.ShedAfter"/>, <see cref="CallsOptions.ShedBacklog"/>), the
    /// server-wide and the caller's own call limits, and the relays' descriptor budget. All answer 503 with
    /// Retry-After (RFC 3261 §21.5.4).
    /// </summary>
    public void OnInvite(SipServerTransaction invite, UserOptions caller)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(caller);
        var calls = Options.Calls;
        if (calls.ShedAfter > TimeSpan.Zero && invite.ReceivedAt != 0 && Time.GetElapsedTime(invite.ReceivedAt) is var waited
            && waited > calls.ShedAfter && invite.Backlog >= calls.ShedBacklog)
        {
            var count = Interlocked.Increment(ref _shed);
            if (_logGate.ShouldLog(CallLogGate.Kind.Shed, out _))
            {
                CallLog.Shed(Logger, caller.Extension, waited.TotalMilliseconds, calls.ShedAfter.TotalMilliseconds, count);
            }

            RespondBusy(invite);
            return;
        }

        if (_calls.Count >= calls.MaxCalls || Media.RelaysAvailable < 1 || !TryTakeSlot(caller.Extension, caller.CallLimit))
        {
            var count = Interlocked.Increment(ref _rejectedOverload);
            if (_logGate.ShouldLog(CallLogGate.Kind.Overloaded, out _))
            {
                CallLog.Overloaded(Logger, caller.Extension, _calls.Count, count);
            }

            RespondBusy(invite);
            return;
        }

        var call = new Call(this, Interlocked.Increment(ref _nextId), invite, caller);
        _calls[call.Id] = call;
        _byInvite[invite] = call;
        if (!call.Post(call.Start))
        {
            // A context that refuses its very first item cannot happen (it is empty); end cleanly if it ever does.
            Forget(call);
            Respond(invite, invite.CreateResponse(500));
        }
    }

    private void RespondBusy(SipServerTransaction invite) =>
        Respond(invite, invite.CreateResponse(503).AddHeader("Retry-After", ((int)Settings.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Shard: a request with a To-tag. True when it belongs to a call's dialog and was handed to it.</summary>
    public bool TryHandleInDialog(SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (!Dialogs.TryMatch(transaction.Request, out var call))
        {
            return false;
        }

        if (!call.Post(() => call.OnInDialogRequest(transaction)))
        {
            Respond(transaction, transaction.CreateResponse(503).AddHeader("Retry-After", "1"));
        }

        return true;
    }

    /// <summary>Shard: an ACK outside any INVITE transaction, i.e. for a 2xx (§13.2.2.4). False if no call owns it.</summary>
    public bool OnAck(SipRequest ack, SipFlow flow)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (!Dialogs.TryMatch(ack, out var call))
        {
            return false;
        }

        call.Post(() => call.OnAck(ack));
        return true;
    }

    /// <summary>Shard: the transaction layer matched a CANCEL to this INVITE (and answered the CANCEL itself).</summary>
    public void OnCancel(SipServerTransaction invite)
    {
        if (_byInvite.TryGetValue(invite, out var call))
        {
            call.Post(call.OnCallerCancel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var call in _calls.Values)
        {
            call.Post(call.OnShutdown);
        }

        // Give the calls a moment to send their BYEs before the transaction layer stops under them.
        for (var i = 0; i < 50 && !_calls.IsEmpty; i++)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>Any thread: the callee extension has room for one more call (its call limit).</summary>
    internal bool TryTakeSlot(string extension, int limit)
    {
        while (true)
        {
            var current = _perExtension.GetValueOrDefault(extension);
            if (current >= limit)
            {
                return false;
            }

            if (current == 0 ? _perExtension.TryAdd(extension, 1) : _perExtension.TryUpdate(extension, current + 1, current))
            {
                return true;
            }
        }
    }

    internal void ReleaseSlot(string extension)
    {
        while (_perExtension.TryGetValue(extension, out var current))
        {
            if (current <= 1 ? ((ICollection<KeyValuePair<string, int>>)_perExtension).Remove(new(extension, current)) : _perExtension.TryUpdate(extension, current - 1, current))
            {
                return;
            }
        }
    }

    /// <summary>Any thread: the call ringing <paramref name="extension"/> (any extension when null) that started
    /// first, other than <paramref name="picker"/> and its caller's own calls; null when none rings.</summary>
    internal Call? FindRingingCall(string? extension, Call picker)
    {
        Call? found = null;
        foreach (var call in _calls.Values)
        {
            if (call != picker && call.IsRinging && call.CallerExtension != picker.CallerExtension
                && (extension is null || call.RingingExtension == extension)
                && (found is null || call.StartedUtc < found.StartedUtc))
            {
                found = call;
            }
        }

        return found;
    }

    internal void ForgetInvite(SipServerTransaction invite) => _byInvite.TryRemove(invite, out _);

    internal void Forget(Call call)
    {
        if (_calls.TryRemove(call.Id, out _))
        {
            Interlocked.Increment(ref _completed);
        }

        if (call.CallerInvite is { } invite)
        {
            _byInvite.TryRemove(invite, out _);
        }
    }

    internal static void Respond(SipServerTransaction transaction, SipMessageBuilder response)
    {
        if (!transaction.HasFinalResponse)
        {
            transaction.Respond(response);
        }
    }
}
