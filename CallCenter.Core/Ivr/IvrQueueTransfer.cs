using System.Collections.Immutable;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Ivr;

/// <summary>A call the flow hands to an ACD queue, with what the flow learnt about the caller.</summary>
/// <param name="Priority">Higher first, as <see cref="CallerRequest.Priority"/>; null when the flow set none, and then
/// the queue's <see cref="QueueOptions.DefaultPriority"/> applies as to a caller who dialled the queue.</param>
/// <param name="Skills">The skills the flow asked for; null when it asked for none, and then the queue's
/// <see cref="QueueOptions.DefaultSkills"/> apply.</param>
/// <param name="Variables">The flow's variables (the dip's answers, collected digits) for the agent's screen.</param>
public sealed record IvrQueueTransfer(
    string Queue, int? Priority, ImmutableArray<SkillRequirement>? Skills, ImmutableDictionary<string, string> Variables)
{
    /// <param name="callbackNumber">The number a callback rings: the caller's own, as for a caller who dialled the
    /// queue.</param>
    /// <param name="queue">The queue's options for its defaults; null takes priority 0 and no skills.</param>
    public CallerRequest ToCallerRequest(string callerId, string? callbackNumber, QueueOptions? queue = null) =>
        new(callerId, Queue, Priority ?? queue?.DefaultPriority ?? 0, callbackNumber)
        {
            RequiredSkills = Skills ?? (queue is null ? [] : [.. queue.DefaultSkills.Select(s => new SkillRequirement(s.Skill, s.MinProficiency))]),
        };
}
