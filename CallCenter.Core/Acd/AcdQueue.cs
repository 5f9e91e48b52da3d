using CallCenter.Core.Configuration;

namespace CallCenter.Core.Acd;

/// <summary>A queue's live state; owned by the router's serial context.</summary>
internal sealed class AcdQueue(QueueOptions options)
{
    public QueueOptions Options { get; set; } = options;
    public string Name => Options.Name;

    /// <summary>In extensions.xml order.</summary>
    public List<AcdMember> Members { get; } = [];

    /// <summary>Everyone in line (waiting, being offered, in retry, on virtual hold), in the order they are served.</summary>
    public AcdLine Line { get; } = new();

    /// <summary>Round-robin's memory: the member order of the agent offered the previous call.</summary>
    public int LastOrder { get; set; } = -1;

    /// <summary>Asterisk's holdtime: a running average of how long answered callers waited, for the estimated wait.</summary>
    public TimeSpan AverageWait { get; set; }

    public bool IsEmpty(QueueEmptyRule rule) => rule switch
    {
        QueueEmptyRule.Never => false,
        QueueEmptyRule.NoAgentsLoggedIn => !Members.Exists(m => m.Agent.IsLoggedIn),
        QueueEmptyRule.NoAgentsReady => !Members.Exists(m => m.Agent.IsReady),
        _ => false,
    };

    /// <summary>1-based place in line.</summary>
    public int PositionOf(AcdCaller caller) => Line.PositionOf(caller);
}
