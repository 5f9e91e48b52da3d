using System.Globalization;
using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

/// <summary>
/// One call: the caller's leg (A, the INVITE we received, answered as a UAS) and the callee's leg (B, the INVITE we
/// sent, as a UAC), joined by the server, with a <see cref="MediaRelay"/> between their RTP streams.
/// <para>Each leg negotiates its own SDP with the server (RFC 3264 offer/answer on that leg alone): A is answered
/// from A's offer with the codecs the relay carries, B is offered those codecs with A's choice first. The legs may
/// end up on different codecs; the relay then transcodes PCMU↔PCMA. Neither party ever sees the other's addresses.</para>
/// <para>Threading: every method that touches state runs on the call's <see cref="CallContext"/> (entered through
/// <see cref="Post"/>); the <see cref="ISipInviteOwner"/> and <see cref="IMediaRelayObserver"/> callbacks arrive on
/// SIP shards and media loops and only post. Split by aspect: .Caller.cs (leg A until the answer), .CallerEarly.cs
/// (A's early dialog and the requests in it), .Callee.cs (leg B until the answer, rung on every phone through a
/// <see cref="CalleeFork"/>), .Routing.cs (DND and forwards), .Features.cs (DND and forward feature codes),
/// .AgentCodes.cs (the ACD's agent codes), .Queue.cs (calls to a queue's number, driven by the ACD), .Legs.cs (the
/// answered call as two <see cref="CallLeg"/>s, either of which can be replaced), .Hold.cs (re-INVITE, UPDATE, hold
/// relayed between the legs), .Transfer.cs and .Replaces.cs (REFER, Replaces), .Pickup.cs (pickup codes),
/// .End.cs.</para>
/// </summary>
internal sealed partial class Call : ISipInviteOwner, IMediaRelayObserver
{
    private readonly CallManager _manager;
    private readonly CallContext _context;
    private readonly UserOptions _caller;
    private readonly DateTimeOffset _startedUtc;
    private CallState _state = CallState.Routing;
    private string? _calleeExtension;
    private MediaRelay? _relay;
    private ITimer? _ringTimer;
    private int _ringGeneration;

    public Call(CallManager manager, long id, SipServerTransaction invite, UserOptions caller)
    {
        _manager = manager;
        Id = id;
        CallerInvite = invite;
        _caller = caller;
        _context = new CallContext(OnFault);
        _startedUtc = manager.Time.GetUtcNow();
        UniqueId = string.Create(CultureInfo.InvariantCulture, $"{_startedUtc.ToUnixTimeSeconds()}.{id}");
        _aRequest = invite.Request;
        _aMaxForwards = invite.Request.MaxForwards;
        _aDisplayName = invite.Request.From?.DisplayName;
        _aDialled = invite.Request.RequestUri.User;
        _aFlow = invite.Flow;
        _aTag = SipServerTransaction.NewTag();
        QueueCallId = UniqueId;
    }

    /// <summary>A call the server places itself: the ACD's callback to <paramref name="caller"/> for the queue caller
    /// <paramref name="queueCallId"/> (.Callback.cs). Leg A is the INVITE we send, over <paramref name="flow"/> (the
    /// phone's registration flow); there is no INVITE of the caller's to answer.</summary>
    public Call(CallManager manager, long id, UserOptions caller, SipFlow flow, string queueCallId)
    {
        _manager = manager;
        Id = id;
        _caller = caller;
        _context = new CallContext(OnFault);
        _startedUtc = manager.Time.GetUtcNow();
        UniqueId = string.Create(CultureInfo.InvariantCulture, $"{_startedUtc.ToUnixTimeSeconds()}.{id}");
        _aFlow = flow;
        _aTag = SipServerTransaction.NewTag();
        QueueCallId = queueCallId;
    }

    public long Id { get; }

    /// <summary>Asterisk-style unique id ("epoch.sequence") for the CDR and the logs.</summary>
    public string UniqueId { get; }

    /// <summary>The caller's INVITE; null for a call the server placed (a callback), and once the caller has
    /// acknowledged our 2xx: nothing is answered on it after that, and a call in progress need not hold the parsed
    /// INVITE and its transaction (~2.6 KB that every young collection copied, bench/RESULTS.md session 8).</summary>
    public SipServerTransaction? CallerInvite { get; private set; }

    /// <summary>The id the ACD knows this call by: its own unique id, or for a callback the id of the queue call
    /// whose place it takes.</summary>
    public string QueueCallId { get; }

    // Only the paths of a call that began with the caller's INVITE use these; a callback never reaches them.
    private SipServerTransaction InboundInvite => CallerInvite ?? throw new InvalidOperationException("A server-placed call has no caller INVITE.");

    private SipRequest InboundRequest => _aRequest ?? throw new InvalidOperationException("A server-placed call has no caller INVITE.");

    /// <summary>The caller's channel in the CDR (Asterisk's "channel"): the A leg.</summary>
    private string ALegId => UniqueId + "-A";

    /// <summary>The callee's channel (Asterisk's "dstchannel"): the B leg.</summary>
    private string BLegId => UniqueId + "-B";

    public bool Post(Action work) => _context.Post(work);

    /// <summary>Call context: routes the INVITE: callee known, then its features, call limit and phones
    /// (<see cref="Route"/>); caller's SDP acceptable; a relay free. A "no" that no forward rule catches is the
    /// caller's final answer and the end of the call.</summary>
    public void Start()
    {
        var options = _manager.Options;
        var destination = InboundRequest.RequestUri.User;

        var isFeature = FeatureCode.TryMatch(options.Features, destination ?? string.Empty, out var feature, out var argument);
        var queue = isFeature || destination is null || _manager.Acd is null ? null : options.Queues.FindByNumber(destination);
        var ivr = isFeature || queue is not null || destination is null || _manager.Ivr is not { } router || !router.HasRoute(destination) ? null : _manager.Ivr;

        // The CDR row exists from the first INVITE on (issue 4): whatever happens next closes it.
        _manager.Cdr?.Open(new CallOpened(UniqueId, UniqueId, _startedUtc, _caller.Extension, CallerDisplayName(),
            isFeature ? FeatureCode.ForRecords(feature, destination!, argument) : destination ?? string.Empty,
            isFeature ? "feature" : queue is not null ? "queue" : ivr is not null ? "ivr" : "extension", ALegId, InboundRequest.CallId ?? string.Empty));
        Record(CelEventType.ChannelStart, ALegId);
        if (TryStartReplacing() || TryStartPickup(destination))
        {
            return;
        }

        if (isFeature)
        {
            OnFeatureCode(feature, argument);
            return;
        }

        if (queue is not null)
        {
            StartQueueCall(queue, _manager.Acd!);
            return;
        }

        if (ivr is not null)
        {
            StartIvrCall(ivr, destination!);
            return;
        }

        var callee = destination is null ? null : options.Extensions.FindUser(destination);
        if (callee is null)
        {
            FailCaller(404, "no such extension");
            return;
        }

        if (InboundRequest.MaxForwards is 0)
        {
            FailCaller(483, "Max-Forwards exhausted");
            return;
        }

        Route(callee);
    }

    /// <summary>Call context: a request inside one of this call's dialogs.</summary>
    public void OnInDialogRequest(SipServerTransaction transaction)
    {
        if (TryHandleCallerEarlyRequest(transaction))
        {
            return;
        }

        var request = transaction.Request;
        if (TryAgentDialogRequest(transaction))
        {
            return;
        }

        var leg = FindLeg(request);
        if (leg is null || _state == CallState.Ended)
        {
            CallManager.Respond(transaction, transaction.CreateResponse(481));
            return;
        }

        if (leg.Released)
        {
            OnReleasedLegRequest(transaction, leg);
            return;
        }

        var dialog = leg.Dialog;
        if (dialog.OnRequest(request) is { } rejected)
        {
            CallManager.Respond(transaction, rejected.AddRetryAfter(transaction.CreateResponse(rejected.StatusCode, rejected.ReasonPhrase)));
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                CallManager.Respond(transaction, transaction.CreateResponse(200));
                dialog.OnResponseSent(request, 200);
                OnLegHungUp(leg);
                break;

            case SipMethods.Invite:
                OnReInvite(transaction, leg);
                break;

            case SipMethods.Update:
                OnUpdate(transaction, leg);
                break;

            case SipMethods.Refer:
                OnRefer(transaction, leg);
                break;

            case SipMethods.Info when request.ContentType?.Split(';')[0].Trim().Equals(DtmfRelayBody.ContentType, StringComparison.OrdinalIgnoreCase) == true:
                // A key press sent as INFO rather than RFC 4733: the same event for call logic as a relayed one.
                CallManager.Respond(transaction, transaction.CreateResponse(200));
                dialog.OnResponseSent(request, 200);
                if (DtmfRelayBody.TryReadSignal(request.Body.Span, out var digit))
                {
                    CallLog.Digit(_manager.Logger, UniqueId, leg.Side == MediaLegSide.A ? "caller" : "callee", digit.ToString());
                    OnQueueDigit(leg.Side, digit);
                    OnIvrDigit(leg.Side, digit);
                }

                break;

            case SipMethods.Options or SipMethods.Info or SipMethods.Notify:
                CallManager.Respond(transaction, transaction.CreateResponse(200));
                dialog.OnResponseSent(request, 200);
                break;

            default:
                // PRACK, MESSAGE, SUBSCRIBE and the rest have no meaning inside one of our calls: a clean refusal.
                CallManager.Respond(transaction, transaction.CreateResponse(501));
                dialog.OnResponseSent(request, 501);
                break;
        }
    }

    /// <summary>Media loop: an RFC 4733 key press. Relayed by the relay itself; reported for call logic.</summary>
    public void OnDigit(MediaRelay relay, MediaLegSide from, DtmfEvent digit) =>
        Post(() =>
        {
            CallLog.Digit(_manager.Logger, UniqueId, from == MediaLegSide.A ? "caller" : "callee", digit.Symbol.ToString());
            OnQueueDigit(from, digit.Symbol);
            OnIvrDigit(from, digit.Symbol);
        });

    /// <summary>Media heartbeat: RTP stopped on a leg for the configured media timeout: the call is dead air.</summary>
    public void OnMediaTimeout(MediaRelay relay, MediaLegSide leg, TimeSpan silence) =>
        Post(() =>
        {
            CallLog.MediaTimeout(_manager.Logger, UniqueId, leg == MediaLegSide.A ? "caller" : "callee", silence.TotalSeconds);
            if (_state == CallState.Answered)
            {
                Hangup(HangupParty.System, byeCaller: true, byeCallee: true);
            }
        });

    /// <summary>Call context: the server is stopping.</summary>
    public void OnShutdown()
    {
        switch (_state)
        {
            case CallState.Answered:
                Hangup(HangupParty.System, byeCaller: true, byeCallee: true);
                break;
            case CallState.Routing or CallState.Ringing:
                _bFork?.CancelAll();
                FailCaller(503, "server stopping");
                break;
        }
    }

    private void Record(CelEventType type, string legId, string? extra = null) =>
        _manager.Cdr?.Event(new CallEvent(UniqueId, UniqueId, legId, type, _manager.Time.GetUtcNow(), extra));

    private void OnFault(Exception ex)
    {
        CallLog.Fault(_manager.Logger, UniqueId, ex);
        if (_state != CallState.Ended)
        {
            // A bug must not leave a phone ringing forever or a relay open: end what can be ended.
            _bFork?.CancelAll();
            if (_state == CallState.Answered)
            {
                Hangup(HangupParty.System, byeCaller: true, byeCallee: true);
            }
            else
            {
                FailCaller(500, "internal error");
            }
        }
    }

    /// <summary>The address the server shows a peer on <paramref name="flow"/>: the listener's, or, for one bound to
    /// every address, the one the OS routes towards that peer.</summary>
    private IPAddress LocalAddressFor(SipFlow flow)
    {
        var bound = flow.Listener.LocalEndPoint.Address;
        return _manager.LocalAddresses.SentBy(bound, flow.Remote.Address);
    }

    private string ContactFor(SipFlow flow)
    {
        var address = LocalAddressFor(flow);
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var transport = flow.Transport == SipTransport.Udp ? string.Empty : ";transport=" + flow.Transport.ToString().ToLowerInvariant();
        return $"<sip:callcenter@{host}:{flow.Listener.LocalEndPoint.Port}{transport}>";
    }

    private SdpEndpoint MediaEndpointFor(SipFlow flow, MediaLegSide side)
    {
        var address = _manager.Options.Rtp.PublicAddress ?? LocalAddressFor(flow);
        return new SdpEndpoint(address.ToString(), _relay!.LocalRtpEndPoint(side).Port);
    }

    private void ArmRingTimer()
    {
        var generation = ++_ringGeneration;
        _ringTimer?.Dispose();
        _ringTimer = _manager.Time.CreateTimer(
            _ => Post(() =>
            {
                if (generation == _ringGeneration && _state == CallState.Ringing)
                {
                    OnRingTimeout();
                }
            }),
            null,
            RingTime,
            Timeout.InfiniteTimeSpan);
    }

    private void StopRingTimer()
    {
        _ringGeneration++;
        _ringTimer?.Dispose();
        _ringTimer = null;
    }
}
