using System.Globalization;
using CallCenter.Core.Storage.Acd;

namespace CallCenter.Core.Acd;

public sealed partial class AcdRouter
{
    /// <summary>Serial context: the agent's phone answered the offer. The caller is connected if it is still there;
    /// every other phone ringing for it (ring-all) is stopped in the same step, so none of them can take it too.</summary>
    public void OfferAnswered(long offerId)
    {
        if (!_offers.TryGetValue(offerId, out var offer))
        {
            // Withdrawn before the answer arrived: CancelOffer was issued then, and it hangs up an answered leg too.
            LogStale(_logger, "offer", offerId.ToString(CultureInfo.InvariantCulture));
            return;
        }

        var caller = offer.Caller;
        var agent = offer.Agent;
        var queue = caller.Queue;
        Resolve(offer);
        WithdrawOffers(caller);

        queue.Line.Remove(caller);
        caller.InLine = false;
        caller.EntryVersion++;
        caller.Phase = CallerPhase.Connected;
        caller.Agent = agent;
        caller.ConnectedAt = Now;

        agent.MissedOffers = 0;
        agent.Call = caller;
        ChangeState(agent, AgentState.OnCall, null);
        offer.Member.Calls++;

        var wait = Now - caller.Entered;
        queue.AverageWait = queue.AverageWait == TimeSpan.Zero ? wait : (queue.AverageWait * 3 + wait) / 4;
        Record(queue, caller, agent, AcdQueueEventType.Connect,
            r => r with { Ring = Now - offer.Started, OriginalPosition = caller.OriginalPosition });
        _control.Connect(offerId, caller.Id, agent.Id);
        Rearm();
    }

    /// <summary>Serial context: the offer could not be completed (no answer, busy, rejected, unreachable).</summary>
    public void OfferFailed(long offerId, OfferFailure failure)
    {
        if (!_offers.TryGetValue(offerId, out var offer))
        {
            LogStale(_logger, "offer", offerId.ToString(CultureInfo.InvariantCulture));
            return;
        }

        OfferEnded(offer, failure, timedOut: false);
        Rearm();
    }

    private void Offer(AcdCaller caller, AcdMember member)
    {
        var agent = member.Agent;
        var queue = caller.Queue;
        var offer = new AcdOfferState(++_nextOfferId, caller, member, Now);
        _offers.Add(offer.Id, offer);
        caller.Offers.Add(offer);
        caller.Phase = CallerPhase.Offering;
        agent.Offer = offer;
        ChangeState(agent, AgentState.Ringing, null);
        queue.LastOrder = member.Order;
        Schedule(DeadlineKind.RingTimeout, offer, 0, Now + queue.Options.RingTimeout);
        LogOffered(_logger, caller.Id, agent.Id, queue.Name, offer.Id);
        _control.OfferToAgent(new AcdOffer(offer.Id, caller.Id, agent.Id, agent.Extension!, queue.Name, queue.Options.RingTimeout));
    }

    /// <summary>A ring timeout or a failure report: the agent missed the offer; the caller waits for the retry delay
    /// (once no other phone rings for it) and the agent is free again, or paused by the no-answer rule.</summary>
    private void OfferEnded(AcdOfferState offer, OfferFailure failure, bool timedOut)
    {
        var caller = offer.Caller;
        var agent = offer.Agent;
        Resolve(offer);
        if (timedOut)
        {
            _control.CancelOffer(offer.Id, caller.Id, agent.Id);
        }

        Record(caller.Queue, caller, agent, AcdQueueEventType.RingNoAnswer,
            r => r with { Ring = Now - offer.Started, Data = failure.ToString().ToLowerInvariant() });

        agent.MissedOffers++;
        var policy = _options.NoAnswer;
        if (policy.MaxMissedOffers > 0 && agent.MissedOffers >= policy.MaxMissedOffers)
        {
            // Not the agent's own choice, so it does not become the reason a later pause toggle reuses.
            LogNoAnswerPause(_logger, agent.Id, agent.MissedOffers, policy.Reason);
            ChangeState(agent, AgentState.NotReady, policy.Reason);
            LeaveEmptyQueues(agent);
        }
        else
        {
            ChangeState(agent, AgentState.Available, null);
            _freed.Add(agent);
        }

        var retry = caller.Phase == CallerPhase.Offering && caller.Offers.Count == 0;
        if (retry)
        {
            caller.Phase = CallerPhase.RetryWait;
            caller.RetryVersion++;
        }

        // Other callers get the freed agent first; with no retry delay the caller is tried again right after.
        ServeFreed();
        if (retry)
        {
            if (caller.Queue.Options.RetryDelay == TimeSpan.Zero)
            {
                RetryOver(caller);
            }
            else
            {
                Schedule(DeadlineKind.Retry, caller, caller.RetryVersion, Now + caller.Queue.Options.RetryDelay);
            }
        }
    }

    /// <summary>The agent's side withdraws (logout, pause): its phone stops ringing and the caller is offered
    /// again. The agent's own state change follows.</summary>
    private void WithdrawOffer(AcdOfferState offer)
    {
        var caller = offer.Caller;
        Resolve(offer);
        _control.CancelOffer(offer.Id, caller.Id, offer.Agent.Id);
        if (caller.Phase == CallerPhase.Offering && caller.Offers.Count == 0)
        {
            caller.Phase = CallerPhase.Waiting;
            ServeCaller(caller);
        }
    }

    /// <summary>The caller's side is done (it left, or another agent answered): every phone still ringing for it
    /// stops now and those agents are free again.</summary>
    private void WithdrawOffers(AcdCaller caller)
    {
        while (caller.Offers.Count > 0)
        {
            var offer = caller.Offers[^1];
            Resolve(offer);
            _control.CancelOffer(offer.Id, caller.Id, offer.Agent.Id);
            ChangeState(offer.Agent, AgentState.Available, null);
            _freed.Add(offer.Agent);
        }
    }

    private void Resolve(AcdOfferState offer)
    {
        _offers.Remove(offer.Id);
        offer.Caller.Offers.Remove(offer);
        if (ReferenceEquals(offer.Agent.Offer, offer))
        {
            offer.Agent.Offer = null;
        }
    }

    /// <summary>A connected call ended: the agent goes into the wrap-up of the call's queue, which keeps it from
    /// every queue it serves, or straight on to what it asked for during the call.</summary>
    private void CallEnded(AcdCaller caller, AcdQueueEventType how, TimeSpan hold)
    {
        var agent = caller.Agent!;
        var queue = caller.Queue;
        // Talk excludes hold, so that handle time (talk + hold + wrap-up) counts each second once.
        var connected = Now - caller.ConnectedAt;
        hold = hold < TimeSpan.Zero ? TimeSpan.Zero : hold > connected ? connected : hold;
        var talk = connected - hold;
        _records.Queue(new AcdQueueRecord(UtcNow, queue.Name, caller.Id, agent.Id, how)
        {
            Wait = caller.ConnectedAt - caller.Entered,
            Talk = talk,
            Hold = hold,
            OriginalPosition = caller.OriginalPosition,
        });
        _callers.Remove(caller.Id);
        foreach (var member in agent.Memberships)
        {
            if (ReferenceEquals(member.Queue, queue))
            {
                member.TalkTime += talk;
            }
        }

        agent.IdleSince = Now;
        if (agent.PendingLogout)
        {
            agent.PendingLogout = false;
            agent.PendingNotReady = null;
            agent.Call = null;
            ChangeState(agent, AgentState.LoggedOut, null);
            agent.Extension = null;
            LeaveEmptyQueues(agent);
        }
        else if (queue.Options.WrapUp > TimeSpan.Zero)
        {
            ChangeState(agent, AgentState.WrapUp, null);
            Schedule(DeadlineKind.WrapUpEnd, agent, agent.StateVersion, Now + queue.Options.WrapUp);
        }
        else
        {
            AfterWork(agent);
        }
    }

    private void WrapUpOver(AcdAgent agent)
    {
        AfterWork(agent);
        ServeFreed();
    }

    // Leaving wrap-up (or a call without one): a pause asked for meanwhile applies now, otherwise the agent is free.
    private void AfterWork(AcdAgent agent)
    {
        if (agent.PendingNotReady is { } reason)
        {
            Pause(agent, reason);
        }
        else
        {
            ChangeState(agent, AgentState.Available, null);
            _freed.Add(agent);
        }
    }

    /// <summary>When an agent leaves wrap-up by any way, the wrap-up time goes on the record of the call it followed.</summary>
    private void RecordWrapUpEnd(AcdAgent agent)
    {
        if (agent.Call is { } call)
        {
            _records.Queue(new AcdQueueRecord(UtcNow, call.Queue.Name, call.Id, agent.Id, AcdQueueEventType.WrapUpEnd)
            {
                WrapUp = Now - agent.StateSince,
            });
            agent.Call = null;
        }
    }
}
