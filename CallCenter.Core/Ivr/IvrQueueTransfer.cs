using System.Collections.Immutable;
using CallCenter.Core.Acd;

namespace CallCenter.Core.Ivr;

/// <summary>A call the flow hands to an ACD queue, with what the flow learnt about the caller.</summary>
/// <param name="Priority">Higher first, as <see cref="CallerRequest.Priority"/>.</param>
/// <param name="Variables">The flow's variables (the dip's answers, collected digits) for the agent's screen.</param>
public sealed record IvrQueueTransfer(
    string Queue, int Priority, ImmutableArray<SkillRequirement> Skills, ImmutableDictionary<string, string> Variables)
{
    public CallerRequest ToCallerRequest(string callerId, string? callbackNumber) =>
        new(callerId, Queue, Priority, callbackNumber) { RequiredSkills = Skills };
}
