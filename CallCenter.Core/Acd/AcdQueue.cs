using CallCenter.Core.Configuration;

namespace CallCenter.Core.Acd;

/// <summary>A queue's live state; owned by the router's serial context.</summary>
internal sealed class AcdQueue(QueueOptions options)
{
    public QueueOptions Options { get; set; } = options;
    public string Name => Options.Name;

    /// <summary>In extensions.xml order.</summary>
    public List<AcdMember> Members { get; } = [];

    /// <summary>Everyone in line (waiting, being offered, in retry, on virtual hold), in the order they are served:
    /// priority first, then arrival.</summary>
    public SortedSet<AcdCaller> Line { get; } = new(LineOrder.Instance);

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
    public int PositionOf(AcdCaller caller)
    {
        var position = 1;
        foreach (var other in Line)
        {
            if (ReferenceEquals(other, caller))
            {
                return position;
            }

            position++;
        }

        return position;
    }

    private sealed class LineOrder : IComparer<AcdCaller>
    {
        public static readonly LineOrder Instance = new();

        public int Compare(AcdCaller? x, AcdCaller? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var c = y!.Priority.CompareTo(x!.Priority);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }
}
