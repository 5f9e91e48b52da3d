namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// One agent's KPIs over [<see cref="From"/>, <see cref="To"/>): calls by the time of the event, state times by
/// the agent state log clipped to the interval. Occupancy is handling time (on a call or in wrap-up) over staffed
/// time (available, ringing, on a call or in wrap-up); pauses count in neither.
/// </summary>
public sealed record AgentKpis
{
    public required string AgentId { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public int Answered { get; init; }
    public int MissedOffers { get; init; }
    public TimeSpan TalkTime { get; init; }
    public TimeSpan HoldTime { get; init; }
    public TimeSpan WrapUpTime { get; init; }
    public TimeSpan? AverageHandleTime { get; init; }
    public TimeSpan LoggedIn { get; init; }
    public TimeSpan Available { get; init; }
    public TimeSpan Ringing { get; init; }
    public TimeSpan OnCall { get; init; }
    public TimeSpan WrapUp { get; init; }
    public TimeSpan NotReady { get; init; }

    /// <summary>Time not ready per reason code.</summary>
    public IReadOnlyDictionary<string, TimeSpan> NotReadyByReason { get; init; } = new Dictionary<string, TimeSpan>();

    public double? Occupancy { get; init; }
}
