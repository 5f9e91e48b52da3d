namespace CallCenter.Core.Acd;

/// <summary>An agent's place in one queue, with the per-queue statistics fewest-calls and least-talk-time read.</summary>
internal sealed class AcdMember(AcdAgent agent, AcdQueue queue, int penalty)
{
    public AcdAgent Agent { get; } = agent;
    public AcdQueue Queue { get; } = queue;
    public int Penalty { get; set; } = penalty;

    /// <summary>Position in the queue's member list.</summary>
    public int Order { get; set; }

    public int Calls { get; set; }
    public TimeSpan TalkTime { get; set; }
}
