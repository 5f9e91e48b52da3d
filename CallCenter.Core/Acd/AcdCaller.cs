namespace CallCenter.Core.Acd;

/// <summary>A queue call's live state; owned by the router's serial context.</summary>
internal sealed class AcdCaller(CallerRequest request, long sequence, TimeSpan arrived)
{
    public CallerRequest Request { get; } = request;
    public string Id => Request.CallerId;
    public int Priority => Request.Priority;

    /// <summary>Arrival order, kept when it overflows into another queue: the tie-break after priority.</summary>
    public long Sequence { get; } = sequence;

    public TimeSpan Arrived { get; } = arrived;

    public AcdQueue Queue { get; set; } = null!;

    /// <summary>When it entered <see cref="Queue"/>; max wait and the relax steps count from here.</summary>
    public TimeSpan Entered { get; set; }

    public int OriginalPosition { get; set; }

    /// <summary>Bumped when it enters a queue or leaves it, so that its timers from an earlier queue are stale.</summary>
    public long EntryVersion { get; set; }

    public long RetryVersion { get; set; }

    public CallerPhase Phase { get; set; }
    public List<AcdOfferState> Offers { get; } = [];
    public bool InLine { get; set; }

    /// <summary>The agent held for this caller while its callback rings.</summary>
    public AcdAgent? Reserved { get; set; }

    public TimeSpan ConnectedAt { get; set; }
    public AcdAgent? Agent { get; set; }

    /// <summary>How many relax steps apply now; the deadline of each raises it.</summary>
    public int RelaxLevel { get; set; }
}
