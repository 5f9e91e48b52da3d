using System.Collections.Immutable;

namespace CallCenter.Core.Acd;

/// <summary>
/// A caller asking to wait in a queue, as the inbound route or the IVR sends it.
/// </summary>
/// <param name="CallerId">The ACD's id of this queue call (the call's unique id); every later report names it.</param>
/// <param name="Priority">Higher first (VIP); callers of equal priority go by arrival.</param>
/// <param name="CallbackNumber">Where a caller who chose virtual hold is called back; usually its own number.</param>
public sealed record CallerRequest(string CallerId, string Queue, int Priority = 0, string? CallbackNumber = null)
{
    public ImmutableArray<SkillRequirement> RequiredSkills { get; init; } = [];
}
