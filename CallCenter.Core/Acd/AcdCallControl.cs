using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Acd;

/// <summary>
/// The ACD joined to the call layer, both ways. As <see cref="IAcdCallControl"/> it turns the router's commands into
/// work posted to the caller's call (each call runs on its own context, so nothing here waits or locks); as
/// <see cref="IQueueCallEvents"/> it turns the calls' reports into messages to the <see cref="AcdDispatcher"/>,
/// mapping the SIP facts (an agent's phone's final status) to the ACD's terms (<see cref="OfferFailure"/>).
/// <para>The ACD is above the call layer (STYLE.md §2): this adapter lives with the ACD and uses the call layer; the
/// call layer knows only <see cref="IQueueCallEvents"/>. Built before the dispatcher, which needs it as its port, and
/// attached to it after (<see cref="Attach"/>).</para>
/// <para>Threading: the <see cref="IAcdCallControl"/> methods run on the ACD's loop, the <see cref="IQueueCallEvents"/>
/// ones on calls' contexts; both only post.</para>
/// </summary>
public sealed partial class AcdCallControl(CallManager calls, ILogger<AcdCallControl> logger) : IAcdCallControl, IQueueCallEvents
{
    private AcdDispatcher? _dispatcher;

    /// <summary>Start-up, before any call: reports go to <paramref name="dispatcher"/>, and calls to a queue's number
    /// become queue calls from now on.</summary>
    public void Attach(AcdDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
        calls.AttachAcd(this);
    }

    /// <summary>The ACD's word for an agent's phone's final status: busy for 486/600 (or the extension at its call
    /// limit), no answer for a ring-out (408, 480, our own timeout), unreachable when no phone responded at all or none
    /// is registered, rejected for any other refusal (603, 404, 488...).</summary>
    public static OfferFailure FailureOf(int status) => status switch
    {
        0 or 503 => OfferFailure.Unreachable,
        486 or 600 => OfferFailure.Busy,
        408 or 480 or 487 => OfferFailure.NoAnswer,
        _ => OfferFailure.Rejected,
    };

    public void OfferToAgent(AcdOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (!calls.PostToQueueCall(offer.CallerId, c => c.OfferToAgent(offer.OfferId, offer.Extension, offer.RingTimeout)))
        {
            // The call ended (the ACD reads its report first and drops this offer) or cannot take work now.
            _dispatcher?.OfferFailed(offer.OfferId, OfferFailure.Unreachable);
        }
    }

    public void CancelOffer(long offerId, string callerId, string agentId) =>
        calls.PostToQueueCall(callerId, c => c.CancelAgentOffer(offerId));

    public void Connect(long offerId, string callerId, string agentId)
    {
        // A call that ended has reported its caller's hang-up already, which ends this connection for the ACD; one
        // whose context is full cannot connect now, and for the ACD that is the agent's leg gone.
        if (!calls.PostToQueueCall(callerId, c => c.ConnectAgent(offerId)) && calls.HasQueueCall(callerId))
        {
            _dispatcher?.AgentHungUp(callerId);
        }
    }

    public void CallBack(string callerId, string number)
    {
        // The server places a new call to the number (an extension of ours); a callback that cannot even start
        // fails now, one that started reports its own outcome.
        if (!calls.PlaceCallback(callerId, number))
        {
            LogCallbackRefused(logger, callerId, number);
            _dispatcher?.CallbackFailed(callerId);
        }
    }

    public void Announce(string callerId, AcdAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        if (announcement.Kind == AcdAnnouncementKind.CallbackAccepted)
        {
            // The caller's place is kept; its present call ends, and the callback will take its place.
            calls.PostToQueueCall(callerId, c => c.OnCallbackAccepted());
            return;
        }

        var kind = announcement.Kind == AcdAnnouncementKind.Periodic ? QueueAnnouncementKind.Periodic : QueueAnnouncementKind.Position;
        var told = new QueueAnnouncement(kind, announcement.Position, announcement.EstimatedWait, announcement.Prompt);
        calls.PostToQueueCall(callerId, c => c.OnQueueAnnouncement(told));
    }

    public void Overflow(string callerId, string fromQueue, OverflowTarget target) =>
        calls.PostToQueueCall(callerId, c => c.OnQueueOverflow(fromQueue, target));

    public void Exit(string callerId, string queue, QueueExitReason reason) =>
        calls.PostToQueueCall(callerId, c => c.OnQueueExit(queue, reason.ToString()));

    // A caller who dialled the queue's number: the queue's own priority and skills apply (the IVR will send its own).
    bool IQueueCallEvents.Join(string callerId, string queue, string callbackNumber)
    {
        var options = calls.Options.Queues.FindQueue(queue);
        var request = new CallerRequest(callerId, queue, options?.DefaultPriority ?? 0, callbackNumber)
        {
            RequiredSkills = options is null ? [] : [.. options.DefaultSkills.Select(s => new SkillRequirement(s.Skill, s.MinProficiency))],
        };
        return _dispatcher?.Join(request) == true;
    }

    bool IQueueCallEvents.CallbackAnswered(string callerId) => _dispatcher?.CallbackAnswered(callerId) == true;

    bool IQueueCallEvents.CallbackFailed(string callerId) => _dispatcher?.CallbackFailed(callerId) == true;

    bool IQueueCallEvents.CallerHungUp(string callerId, TimeSpan hold) => _dispatcher?.CallerHungUp(callerId, hold) == true;

    bool IQueueCallEvents.AgentHungUp(string callerId, TimeSpan hold) => _dispatcher?.AgentHungUp(callerId, hold) == true;

    bool IQueueCallEvents.CallerPressed(string callerId, char digit) => _dispatcher?.CallerPressed(callerId, digit) == true;

    bool IQueueCallEvents.OfferAnswered(long offerId) => _dispatcher?.OfferAnswered(offerId) == true;

    bool IQueueCallEvents.OfferFailed(long offerId, int status) => _dispatcher?.OfferFailed(offerId, FailureOf(status)) == true;

    [LoggerMessage(EventId = 1330, Level = LogLevel.Warning, Message = "Callback to {Number} for caller {CallerId} could not be placed")]
    private static partial void LogCallbackRefused(ILogger logger, string callerId, string number);
}
