namespace CallCenter.Core.Storage.Acd;

/// <summary>One row of acd_queue_events (migration 0004); durations are null where the event has none.</summary>
public sealed record AcdQueueRecord(DateTimeOffset At, string Queue, string CallerId, string? AgentId, AcdQueueEventType Type)
{
    public TimeSpan? Wait { get; init; }
    public int? Position { get; init; }
    public int? OriginalPosition { get; init; }
    public TimeSpan? Ring { get; init; }
    public TimeSpan? Talk { get; init; }
    public TimeSpan? Hold { get; init; }
    public TimeSpan? WrapUp { get; init; }
    public string? Data { get; init; }
}
