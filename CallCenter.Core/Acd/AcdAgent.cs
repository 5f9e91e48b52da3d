using CallCenter.Core.Configuration;

namespace CallCenter.Core.Acd;

/// <summary>An agent's live state. Owned by the router's serial context: only <see cref="AcdRouter"/> reads or
/// changes it, so it needs no lock.</summary>
internal sealed class AcdAgent(AgentOptions options, int order)
{
    public AgentOptions Options { get; set; } = options;
    public string Id => Options.Id;

    /// <summary>Position in extensions.xml; the member order of every queue follows it.</summary>
    public int Order { get; set; } = order;

    public AgentState State { get; set; } = AgentState.LoggedOut;

    /// <summary>Bumped on every state change, so that a timer set for an older state is recognised as stale.</summary>
    public long StateVersion { get; set; }

    public TimeSpan StateSince { get; set; }
    public DateTimeOffset StateSinceUtc { get; set; }
    public string? Reason { get; set; }

    /// <summary>The newest not-ready reason the agent chose; a pause without a reason reuses it.</summary>
    public string? LastReason { get; set; }

    public string? Extension { get; set; }

    /// <summary>When the agent last finished a call (or logged in): the longest-idle key.</summary>
    public TimeSpan IdleSince { get; set; }

    public int MissedOffers { get; set; }

    /// <summary>Held for a caller on virtual hold whose callback is ringing: still available, but offered to nobody
    /// else until that caller answered (then it is offered to them) or the callback failed.</summary>
    public AcdCaller? ReservedFor { get; set; }
    public AcdOfferState? Offer { get; set; }

    /// <summary>The caller connected to this agent, until the call ends; then the call wrap-up belongs to.</summary>
    public AcdCaller? Call { get; set; }

    /// <summary>A pause or logout asked for during a call, applied when the call (and its wrap-up) ends.</summary>
    public string? PendingNotReady { get; set; }
    public bool PendingLogout { get; set; }

    public Dictionary<string, int> Skills { get; } = new(StringComparer.Ordinal);
    public List<AcdMember> Memberships { get; } = [];

    public bool IsLoggedIn => State != AgentState.LoggedOut;

    /// <summary>Counts as staffing the queue for strict join/leave-when-empty: logged in and not paused.</summary>
    public bool IsReady => State is AgentState.Available or AgentState.Ringing or AgentState.OnCall or AgentState.WrapUp;

    public int Proficiency(string skill) => Skills.TryGetValue(skill, out var level) ? level : 0;
}
