namespace CallCenter.Core.Acd;

internal enum CallerPhase
{
    /// <summary>In line and eligible: the next qualified free agent is offered to it.</summary>
    Waiting,

    /// <summary>One agent's phone (or, for ring-all, several) is ringing for it.</summary>
    Offering,

    /// <summary>An offer failed; it keeps its place but is not offered again until the queue's retry delay passed.</summary>
    RetryWait,

    /// <summary>Virtual hold: its leg was released and it keeps its place; when its turn comes it is called back.</summary>
    CallbackPending,

    /// <summary>Its callback is ringing; once it answers it is Waiting again, at the head of the line.</summary>
    CallingBack,

    /// <summary>Talking to an agent; no longer in line.</summary>
    Connected,
}

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

/// <summary>An offer of a caller to an agent that is still ringing.</summary>
internal sealed class AcdOfferState(long id, AcdCaller caller, AcdMember member, TimeSpan started)
{
    public long Id { get; } = id;
    public AcdCaller Caller { get; } = caller;
    public AcdMember Member { get; } = member;
    public AcdAgent Agent => Member.Agent;
    public TimeSpan Started { get; } = started;
}
