using System.Collections.Concurrent;
using CallCenter.Core.Sip.Registrar;

namespace CallCenter.Core.Calls;

// The queue calls by the id the ACD knows them by (the call's unique id), so that the ACD's adapter can post its
// commands to the right call. Any thread: a call adds itself on its own context when it joins a queue and removes
// itself as it finishes; the ACD's loop looks up.
public sealed partial class CallManager
{
    private readonly ConcurrentDictionary<string, Call> _queueCalls = new(StringComparer.Ordinal);

    // The queue of each queue caller who may be called back, from its join until its callback is placed or its call
    // ends without asking for one: the callback's From shows that queue. Written at join rather than at the request
    // because the ACD may ask for the callback before the caller's call has handled the request. One entry per
    // caller the ACD holds, so bounded by its lines.
    private readonly ConcurrentDictionary<string, string> _callbackQueues = new(StringComparer.Ordinal);

    // The sounds already reported missing, so that a missing music class or prompt is logged once per server and not
    // once per waiting caller. Their names come from the configuration (queue classes, periodic prompts) or are the
    // fixed set of announcement prompts, so this stays as small as the configuration.
    private readonly ConcurrentDictionary<string, byte> _missingSounds = new(StringComparer.Ordinal);

    /// <summary>The music and prompts waiting callers hear, once the host attached them; without them, a waiting
    /// caller hears nothing and the announcements are only logged.</summary>
    internal IQueueSounds? QueueSounds { get; private set; }

    /// <summary>Start-up, before any call.</summary>
    public void AttachQueueSounds(IQueueSounds sounds) => QueueSounds = sounds;

    /// <summary>Any thread: true the first time <paramref name="sound"/> is reported missing.</summary>
    internal bool FirstMissing(string sound) => _missingSounds.TryAdd(sound, 0);

    /// <summary>Queue calls in progress (waiting, ringing an agent, or connected).</summary>
    public int QueueCalls => _queueCalls.Count;

    /// <summary>Any thread: posts <paramref name="work"/> to the queue call <paramref name="uniqueId"/>. False when no
    /// such call is left (it ended, and its report of that is already on the way) or its context is full.</summary>
    internal bool PostToQueueCall(string uniqueId, Action<Call> work) =>
        _queueCalls.TryGetValue(uniqueId, out var call) && call.Post(() => work(call));

    internal bool HasQueueCall(string uniqueId) => _queueCalls.ContainsKey(uniqueId);

    // Keyed by QueueCallId: a callback takes the place of the call whose caller asked for it; the ended call removes
    // only its own entry.
    internal void AddQueueCall(Call call) => _queueCalls[call.QueueCallId] = call;

    internal void RemoveQueueCall(Call call) => ((ICollection<KeyValuePair<string, Call>>)_queueCalls).Remove(new(call.QueueCallId, call));

    /// <summary>Call context of a queue call: the queue a callback for it would be on behalf of (null: none any more).</summary>
    internal void SetCallbackQueue(string queueCallId, string? queue)
    {
        if (queue is null)
        {
            _callbackQueues.TryRemove(queueCallId, out _);
        }
        else
        {
            _callbackQueues[queueCallId] = queue;
        }
    }

    /// <summary>Any thread (the ACD's loop): calls <paramref name="number"/> back for the queue caller
    /// <paramref name="queueCallId"/>, on behalf of the queue it asked in. Only our own extensions can be called back (there
    /// are no trunks yet), on their phones whose registration flow is still open (the INVITE and our SDP go out over
    /// it). False when the callback cannot even start: the ACD hears CallbackFailed from its adapter then; once
    /// started, the call reports its outcome itself.</summary>
    internal bool PlaceCallback(string queueCallId, string number)
    {
        var options = Options;
        var queueOptions = _callbackQueues.TryRemove(queueCallId, out var queue) ? options.Queues.FindQueue(queue) : null;
        var user = options.Extensions.FindUser(number);
        var bindings = user is null ? [] : Registrations.GetContacts(user.Extension).Where(b => b.Target.Flow is not null).ToList();
        if (queueOptions is null || user is null || bindings.Count == 0)
        {
            CallLog.CallbackFailed(Logger, queueCallId, number, "no such queue caller, or no registered phone of ours at that number");
            return false;
        }

        if (_calls.Count >= options.Calls.MaxCalls || !TryTakeSlot(user.Extension, user.CallLimit))
        {
            CallLog.CallbackFailed(Logger, queueCallId, number, "the extension or the server is at its call limit");
            return false;
        }

        var reachable = bindings.TakeWhile(c => c.Reachability != Reachability.Unreachable).ToList();
        var ring = reachable.Count > 0 ? reachable : [bindings[0]];
        var call = new Call(this, Interlocked.Increment(ref _nextId), user, ring[0].Target.Flow!.Value, queueCallId);
        _calls[call.Id] = call;
        AddQueueCall(call);
        if (!call.Post(() => call.StartCallback(queueOptions, ring, user.NoAnswerTimeout ?? options.Calls.RingTimeout)))
        {
            RemoveQueueCall(call);
            Forget(call);
            ReleaseSlot(user.Extension);
            return false;
        }

        return true;
    }
}
