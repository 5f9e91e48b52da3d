using System.Collections.Immutable;

namespace CallCenter.Core.Acd;

public sealed partial class AcdRouter
{
    /// <summary>Serial context: the live state as it is now. Walks every queue and agent, so it is for a console
    /// refreshing every second or so, not for the call path.</summary>
    public AcdSnapshot Snapshot()
    {
        var now = Now;
        var queues = ImmutableArray.CreateBuilder<QueueSnapshot>(_queues.Count);
        foreach (var queue in _queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            var callers = ImmutableArray.CreateBuilder<WaitingCallerSnapshot>(queue.Line.Count);
            var position = 1;
            var longest = TimeSpan.Zero;
            foreach (var caller in queue.Line)
            {
                var wait = now - caller.Entered;
                longest = wait > longest ? wait : longest;
                callers.Add(new WaitingCallerSnapshot(caller.Id, position++, caller.Priority, wait, PhaseText(caller.Phase)));
            }

            queues.Add(new QueueSnapshot(
                queue.Name,
                queue.Line.Count,
                queue.Line.CountWhere(c => c.Phase == CallerPhase.Offering),
                queue.Line.CountWhere(c => c.Phase is CallerPhase.CallbackPending or CallerPhase.CallingBack),
                longest,
                queue.Members.Count(m => m.Agent.IsLoggedIn),
                queue.Members.Count(m => m.Agent.State == AgentState.Available),
                queue.Members.Count(m => m.Agent.State == AgentState.OnCall),
                callers.MoveToImmutable()));
        }

        var agents = _agents.Values.OrderBy(a => a.Order)
            .Select(a => new AgentSnapshot(a.Id, a.Options.Name, a.State, a.Reason, a.Extension, a.StateSinceUtc, a.Call?.Id ?? a.Offer?.Caller.Id, a.MissedOffers))
            .ToImmutableArray();
        return new AcdSnapshot(UtcNow, queues.MoveToImmutable(), agents);
    }

    private static string PhaseText(CallerPhase phase) => phase switch
    {
        CallerPhase.Waiting => "waiting",
        CallerPhase.Offering => "offering",
        CallerPhase.RetryWait => "retry",
        CallerPhase.CallbackPending => "callback-pending",
        CallerPhase.CallingBack => "calling-back",
        _ => "connected",
    };
}
