namespace CallCenter.Core.Acd;

/// <summary>An offer of a caller to an agent that is still ringing.</summary>
internal sealed class AcdOfferState(long id, AcdCaller caller, AcdMember member, TimeSpan started)
{
    public long Id { get; } = id;
    public AcdCaller Caller { get; } = caller;
    public AcdMember Member { get; } = member;
    public AcdAgent Agent => Member.Agent;
    public TimeSpan Started { get; } = started;
}
