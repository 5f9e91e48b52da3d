namespace CallCenter.Core.Acd;

public sealed partial class AcdRouter
{
    private readonly ITimer _timer;
    private readonly PriorityQueue<Deadline, TimeSpan> _deadlines = new();
    private TimeSpan _armedFor = TimeSpan.MaxValue;

    private enum DeadlineKind
    {
        RingTimeout,
        Retry,
        MaxWait,
        Relax,
        Announce,
        Periodic,
        WrapUpEnd,
    }

    /// <summary>A moment something must happen, with the version of what it was set for (see <see cref="IsCurrent"/>).</summary>
    private readonly record struct Deadline(DeadlineKind Kind, object Target, long Version);

    /// <summary>
    /// Serial context: handles every deadline that is due, in time order, then re-arms the one timer. Called by the
    /// timer (directly or through the dispatcher's mailbox); a call with nothing due (an early or repeated tick)
    /// only re-arms.
    /// </summary>
    public void OnTimer()
    {
        _armedFor = TimeSpan.MaxValue;
        var now = Now;
        while (_deadlines.TryPeek(out var deadline, out var due) && due <= now)
        {
            _deadlines.Dequeue();
            if (IsCurrent(deadline))
            {
                Fire(deadline);
            }
        }

        Rearm();
    }

    private void Schedule(DeadlineKind kind, object target, long version, TimeSpan at) => _deadlines.Enqueue(new Deadline(kind, target, version), at);

    // Stale deadlines are skipped when they come up rather than removed when their reason goes away: removal from a
    // binary heap is a linear search, skipping is a comparison.
    private bool IsCurrent(Deadline deadline) => deadline.Target switch
    {
        AcdOfferState offer => _offers.ContainsKey(offer.Id),
        AcdCaller caller => _callers.ContainsKey(caller.Id) && deadline.Kind switch
        {
            DeadlineKind.Retry => caller.RetryVersion == deadline.Version && caller.Phase == CallerPhase.RetryWait,
            _ => caller.EntryVersion == deadline.Version && caller.InLine,
        },
        AcdAgent agent => agent.StateVersion == deadline.Version,
        _ => false,
    };

    private void Fire(Deadline deadline)
    {
        switch (deadline.Kind)
        {
            case DeadlineKind.RingTimeout:
                OfferEnded((AcdOfferState)deadline.Target, OfferFailure.NoAnswer, timedOut: true);
                break;
            case DeadlineKind.Retry:
                RetryOver((AcdCaller)deadline.Target);
                break;
            case DeadlineKind.MaxWait:
                MaxWaitPassed((AcdCaller)deadline.Target);
                break;
            case DeadlineKind.Relax:
                Relaxed((AcdCaller)deadline.Target);
                break;
            case DeadlineKind.Announce:
                AnnouncePosition((AcdCaller)deadline.Target, repeat: true);
                break;
            case DeadlineKind.Periodic:
                AnnouncePeriodic((AcdCaller)deadline.Target);
                break;
            case DeadlineKind.WrapUpEnd:
                WrapUpOver((AcdAgent)deadline.Target);
                break;
        }
    }

    /// <summary>Ends every event: serves the agents it freed, then points the timer at the earliest deadline if that changed.</summary>
    private void Rearm()
    {
        // Agents the event freed are served first: that may ring phones, and so add deadlines.
        ServeFreed();

        // Stale deadlines at the head would wake the timer for nothing; drop them here.
        while (_deadlines.TryPeek(out var head, out _) && !IsCurrent(head))
        {
            _deadlines.Dequeue();
        }

        if (!_deadlines.TryPeek(out _, out var due))
        {
            if (_armedFor != TimeSpan.MaxValue)
            {
                _armedFor = TimeSpan.MaxValue;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        if (due == _armedFor)
        {
            return;
        }

        _armedFor = due;
        var delay = due - Now;
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }
}
