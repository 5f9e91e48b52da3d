using System.Collections.Immutable;

namespace CallCenter.Core.Acd;

/// <summary>The ACD's live state at one moment, for the console: made on the router's serial context, immutable after.</summary>
public sealed record AcdSnapshot(DateTimeOffset At, ImmutableArray<QueueSnapshot> Queues, ImmutableArray<AgentSnapshot> Agents);

/// <param name="LongestWait">The wait of the caller who has waited longest now (zero with nobody in line).</param>
public sealed record QueueSnapshot(
    string Name,
    int InLine,
    int BeingOffered,
    int OnVirtualHold,
    TimeSpan LongestWait,
    int AgentsLoggedIn,
    int AgentsAvailable,
    int AgentsOnCall,
    ImmutableArray<WaitingCallerSnapshot> Callers);

/// <param name="Phase">waiting, offering, retry, callback-pending or calling-back.</param>
public sealed record WaitingCallerSnapshot(string CallerId, int Position, int Priority, TimeSpan Wait, string Phase);

public sealed record AgentSnapshot(
    string Id, string Name, AgentState State, string? Reason, string? Extension, DateTimeOffset Since, string? CallerId, int MissedOffers);
