using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;

namespace CallCenter.Core.Acd;

public sealed partial class AcdRouter
{
    /// <summary>Serial context: a caller asks to wait in a queue.</summary>
    public QueueJoinResult Join(CallerRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_callers.ContainsKey(request.CallerId))
        {
            _control.Exit(request.CallerId, request.Queue, QueueExitReason.Duplicate);
            return QueueJoinResult.Refused;
        }

        if (!_queues.TryGetValue(request.Queue, out var queue) || _options.FindQueue(request.Queue) is null)
        {
            _control.Exit(request.CallerId, request.Queue, QueueExitReason.UnknownQueue);
            return QueueJoinResult.Refused;
        }

        var caller = new AcdCaller(request, _nextSequence++, Now);
        var result = Enter(caller, queue);
        Rearm();
        return result;
    }

    /// <summary>
    /// Serial context: the caller hung up. Before it was connected this is an abandon, and every phone still ringing
    /// for it is stopped in the same step, so no agent can answer it afterwards; once connected it ends the call.
    /// </summary>
    public void CallerHungUp(string callerId, TimeSpan hold = default)
    {
        if (!_callers.TryGetValue(callerId, out var caller))
        {
            LogStale(_logger, "caller", callerId);
            return;
        }

        switch (caller.Phase)
        {
            case CallerPhase.Connected:
                CallEnded(caller, AcdQueueEventType.CompleteCaller, hold);
                break;

            // Virtual hold: the caller's leg is released on purpose; it keeps its place for the callback.
            case CallerPhase.CallbackPending:
                break;
            default:
                RemoveFromLine(caller, AcdQueueEventType.Abandon, null);
                break;
        }

        Rearm();
    }

    /// <summary>Serial context: the agent hung up a connected queue call.</summary>
    public void AgentHungUp(string callerId, TimeSpan hold = default)
    {
        if (!_callers.TryGetValue(callerId, out var caller) || caller.Phase != CallerPhase.Connected)
        {
            LogStale(_logger, "connected caller", callerId);
            return;
        }

        CallEnded(caller, AcdQueueEventType.CompleteAgent, hold);
        Rearm();
    }

    /// <summary>Serial context: the caller pressed a key while waiting: the queue's exit digit or callback digit
    /// (other keys are ignored). Returns whether the key meant something.</summary>
    public bool CallerPressed(string callerId, char digit)
    {
        if (!_callers.TryGetValue(callerId, out var caller) || !caller.InLine)
        {
            return false;
        }

        var queue = caller.Queue;
        if (queue.Options.ExitDigit == digit)
        {
            RemoveFromLine(caller, AcdQueueEventType.ExitWithKey, r => r with { Data = digit.ToString(CultureInfo.InvariantCulture) });
            _control.Exit(callerId, queue.Name, QueueExitReason.ExitKey);
        }
        else if (queue.Options.CallbackDigit == digit && caller.Request.CallbackNumber is not null
            && caller.Phase is CallerPhase.Waiting or CallerPhase.RetryWait)
        {
            // A caller whose phone is already ringing at an agent is about to be answered; the key is ignored then.
            caller.Phase = CallerPhase.CallbackPending;
            caller.RetryVersion++;
            Record(queue, caller, null, AcdQueueEventType.CallbackRequest,
                r => r with { Position = queue.PositionOf(caller), Data = caller.Request.CallbackNumber });
            _control.Announce(callerId, new AcdAnnouncement(AcdAnnouncementKind.CallbackAccepted, queue.PositionOf(caller), null, null));

            // A waiting caller has no free agent now (the invariant), but one in its retry delay may: then its turn
            // is already here and the callback starts at once.
            ServeCaller(caller);
        }
        else
        {
            return false;
        }

        Rearm();
        return true;
    }

    /// <summary>Serial context: the caller answered its callback; it is first in line again and is offered to the
    /// best free agent at once, or the next one to become free.</summary>
    public void CallbackAnswered(string callerId)
    {
        if (!_callers.TryGetValue(callerId, out var caller) || caller.Phase != CallerPhase.CallingBack)
        {
            LogStale(_logger, "callback", callerId);
            return;
        }

        caller.Phase = CallerPhase.Waiting;
        Release(caller);
        ServeCaller(caller);
        Rearm();
    }

    /// <summary>Serial context: the callback was not answered; the caller is given up (and listed as such).</summary>
    public void CallbackFailed(string callerId)
    {
        if (!_callers.TryGetValue(callerId, out var caller) || caller.Phase != CallerPhase.CallingBack)
        {
            LogStale(_logger, "callback", callerId);
            return;
        }

        var queue = caller.Queue;
        RemoveFromLine(caller, AcdQueueEventType.CallbackFailed, null);
        _control.Exit(callerId, queue.Name, QueueExitReason.CallbackFailed);
        Rearm();
    }

    /// <summary>Puts a caller in line (a new one, or one overflowing from another queue) or sends it on.</summary>
    private QueueJoinResult Enter(AcdCaller caller, AcdQueue queue)
    {
        var options = queue.Options;
        if (queue.IsEmpty(options.JoinWhenEmpty))
        {
            caller.Queue = queue;
            caller.Entered = Now;
            Record(queue, caller, null, AcdQueueEventType.JoinEmpty, null);
            _control.Exit(caller.Id, queue.Name, QueueExitReason.Empty);
            return QueueJoinResult.Refused;
        }

        if (options.MaxLength > 0 && queue.Line.Count >= options.MaxLength)
        {
            caller.Queue = queue;
            caller.Entered = Now;
            Record(queue, caller, null, AcdQueueEventType.Full, r => r with { Data = options.OnMaxLength?.ToString() });
            return OverflowOrExit(caller, queue, options.OnMaxLength, QueueExitReason.Full);
        }

        caller.Queue = queue;
        caller.Entered = Now;
        caller.EntryVersion++;
        caller.RelaxLevel = 0;
        caller.Phase = CallerPhase.Waiting;
        caller.InLine = true;
        _callers[caller.Id] = caller;
        queue.Line.Add(caller);
        caller.OriginalPosition = queue.PositionOf(caller);
        Record(queue, caller, null, AcdQueueEventType.EnterQueue,
            r => r with { Position = caller.OriginalPosition, Data = caller.Request.CallbackNumber });

        var now = caller.Entered;
        if (options.MaxWait > TimeSpan.Zero)
        {
            Schedule(DeadlineKind.MaxWait, caller, caller.EntryVersion, now + options.MaxWait);
        }

        foreach (var step in options.Relax)
        {
            Schedule(DeadlineKind.Relax, caller, caller.EntryVersion, now + step.After);
        }

        ServeCaller(caller);
        if (caller.InLine && caller.Phase != CallerPhase.Connected)
        {
            if (options.Announce.Position || options.Announce.EstimatedWait)
            {
                AnnouncePosition(caller, repeat: true);
            }

            if (options.Announce.PeriodicPrompt is not null)
            {
                Schedule(DeadlineKind.Periodic, caller, caller.EntryVersion, now + options.Announce.PeriodicInterval);
            }
        }

        return QueueJoinResult.Joined;
    }

    private QueueJoinResult OverflowOrExit(AcdCaller caller, AcdQueue from, OverflowTarget? target, QueueExitReason otherwise)
    {
        AcdQueue? next = null;
        var usable = target is not null && (target.Action != OverflowAction.Queue
            || (target.Target is not null && _options.FindQueue(target.Target) is not null
                && _queues.TryGetValue(target.Target, out next) && !ReferenceEquals(next, from)));

        // No overflow, or one into a queue a reload has removed since: the caller leaves as if there were none.
        if (!usable)
        {
            _control.Exit(caller.Id, from.Name, otherwise);
            return QueueJoinResult.Refused;
        }

        Record(from, caller, null, AcdQueueEventType.Overflow, r => r with { Data = target!.ToString() });
        _control.Overflow(caller.Id, from.Name, target!);
        if (next is not null)
        {
            // The caller keeps its priority and arrival order in the new queue; its wait there starts now.
            Enter(caller, next);
        }

        return QueueJoinResult.Overflowed;
    }

    /// <summary>Takes a caller out of line (not connected): withdraws its offers, records why (with its place in line
    /// then and on entering), forgets it.</summary>
    private void RemoveFromLine(AcdCaller caller, AcdQueueEventType why, Func<AcdQueueRecord, AcdQueueRecord>? with)
    {
        var position = caller.Queue.PositionOf(caller);
        WithdrawOffers(caller);
        Release(caller);
        Record(caller.Queue, caller, null, why, r =>
        {
            var placed = r with { Position = position, OriginalPosition = caller.OriginalPosition };
            return with is null ? placed : with(placed);
        });
        caller.Queue.Line.Remove(caller);
        caller.InLine = false;
        caller.EntryVersion++;
        _callers.Remove(caller.Id);
    }

    private void MaxWaitPassed(AcdCaller caller)
    {
        // Virtual hold has its own pace: the caller is not on the line to be sent anywhere.
        if (caller.Phase is CallerPhase.CallbackPending or CallerPhase.CallingBack)
        {
            return;
        }

        var queue = caller.Queue;
        var target = queue.Options.OnMaxWait;
        RemoveFromLine(caller, AcdQueueEventType.ExitWithTimeout, r => r with { Data = target?.ToString() });
        if (target is not null)
        {
            // The overflow re-enters with the same id; it was forgotten above so that it can be queued afresh.
            OverflowOrExit(caller, queue, target, QueueExitReason.Timeout);
        }
        else
        {
            _control.Exit(caller.Id, queue.Name, QueueExitReason.Timeout);
        }

        ServeFreed();
    }

    private void Relaxed(AcdCaller caller)
    {
        caller.RelaxLevel = Math.Min(caller.RelaxLevel + 1, caller.Queue.Options.Relax.Length);
        if (caller.Phase is CallerPhase.Waiting or CallerPhase.CallbackPending)
        {
            ServeCaller(caller);
        }
    }

    private void RetryOver(AcdCaller caller)
    {
        caller.Phase = CallerPhase.Waiting;
        ServeCaller(caller);
    }

    private void AnnouncePosition(AcdCaller caller, bool repeat)
    {
        var options = caller.Queue.Options.Announce;
        // Not while an agent's phone rings for it: the answer is moments away and would cut the prompt.
        if (caller.Phase is CallerPhase.Waiting or CallerPhase.RetryWait)
        {
            var position = caller.Queue.PositionOf(caller);
            TimeSpan? estimate = options.EstimatedWait ? caller.Queue.AverageWait * position : null;
            _control.Announce(caller.Id, new AcdAnnouncement(AcdAnnouncementKind.Position, options.Position ? position : null, estimate, null));
        }

        if (repeat && options.Frequency > TimeSpan.Zero)
        {
            Schedule(DeadlineKind.Announce, caller, caller.EntryVersion, Now + options.Frequency);
        }
    }

    private void AnnouncePeriodic(AcdCaller caller)
    {
        var options = caller.Queue.Options.Announce;
        if (caller.Phase is CallerPhase.Waiting or CallerPhase.RetryWait)
        {
            _control.Announce(caller.Id, new AcdAnnouncement(AcdAnnouncementKind.Periodic, null, null, options.PeriodicPrompt));
        }

        Schedule(DeadlineKind.Periodic, caller, caller.EntryVersion, Now + options.PeriodicInterval);
    }
}
