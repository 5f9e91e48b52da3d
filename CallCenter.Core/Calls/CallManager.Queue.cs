using System.Collections.Concurrent;

namespace CallCenter.Core.Calls;

// The queue calls by the id the ACD knows them by (the call's unique id), so that the ACD's adapter can post its
// commands to the right call. Any thread: a call adds itself on its own context when it joins a queue and removes
// itself as it finishes; the ACD's loop looks up.
public sealed partial class CallManager
{
    private readonly ConcurrentDictionary<string, Call> _queueCalls = new(StringComparer.Ordinal);

    /// <summary>Queue calls in progress (waiting, ringing an agent, or connected).</summary>
    public int QueueCalls => _queueCalls.Count;

    /// <summary>Any thread: posts <paramref name="work"/> to the queue call <paramref name="uniqueId"/>. False when no
    /// such call is left (it ended, and its report of that is already on the way) or its context is full.</summary>
    internal bool PostToQueueCall(string uniqueId, Action<Call> work) =>
        _queueCalls.TryGetValue(uniqueId, out var call) && call.Post(() => work(call));

    internal bool HasQueueCall(string uniqueId) => _queueCalls.ContainsKey(uniqueId);

    internal void AddQueueCall(Call call) => _queueCalls[call.UniqueId] = call;

    internal void RemoveQueueCall(Call call) => ((ICollection<KeyValuePair<string, Call>>)_queueCalls).Remove(new(call.UniqueId, call));
}
