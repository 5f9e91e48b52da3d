using CallCenter.Core.Configuration;

namespace CallCenter.Core.Calls;

/// <summary>What the call adds when a flow hands it to a queue, as a caller who dialled the queue has it.</summary>
/// <param name="CallerId">The call's id in the ACD.</param>
/// <param name="CallbackNumber">The number a callback rings: the caller's own extension or number.</param>
/// <param name="Queue">The queue's live options, for its default priority and skills.</param>
public sealed record IvrQueueEntry(string CallerId, string CallbackNumber, QueueOptions Queue);
