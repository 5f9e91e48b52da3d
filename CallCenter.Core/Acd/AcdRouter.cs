using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Acd;

/// <summary>
/// The ACD's routing core: queues, agents and waiting callers in memory, and the decisions who is offered to whom.
/// It wakes only on events: a caller joined or left, an agent's state changed, an offer's outcome, or one of its
/// deadlines fell due. Nothing polls; no waiting caller asks "is it my turn?".
/// <para>Threading: not thread-safe by design. Every method runs on one serial context: <see cref="AcdDispatcher"/>'s
/// mailbox loop in the server (which also delivers the deadline timer), the test's thread under a fake clock. So no
/// lock is ever taken on the call path: a call's loop posts a message and goes on, and the call layer receives the
/// router's commands through <see cref="IAcdCallControl"/>, whose implementation posts them to the calls' mailboxes.</para>
/// <para>The invariant every event restores before returning: no caller who is waiting (eligible) has a free agent
/// who qualifies for it. It is what lets each event decide locally: an agent who became free only needs the best
/// caller across its own queues, a caller who became eligible only needs the best free agent of its queue.</para>
/// <para>Time: durations and deadlines are monotonic (<see cref="TimeProvider.GetTimestamp"/>); records carry
/// wall-clock UTC. All deadlines sit in one priority queue behind one timer, re-armed to the earliest; a deadline
/// carries the version of what it was set for, so a stale one is recognised and skipped rather than cancelled.</para>
/// </summary>
public sealed partial class AcdRouter
{
    private readonly TimeProvider _time;
    private readonly IAcdCallControl _control;
    private readonly IAcdRecordSink _records;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly long _origin;
    private readonly Dictionary<string, AcdQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AcdAgent> _agents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AcdCaller> _callers = new(StringComparer.Ordinal);
    private readonly Dictionary<long, AcdOfferState> _offers = [];

    // Scratch space for ranking, reused so that a routing decision allocates nothing.
    private RoutingCandidate[] _candidates = new RoutingCandidate[64];
    private AcdMember[] _candidateMembers = new AcdMember[64];
    private readonly List<AcdAgent> _freed = [];
    private readonly List<AcdCaller> _scratchCallers = [];

    private QueuesOptions _options = new();
    private long _nextOfferId;
    private long _nextSequence;

    /// <param name="random">Random's generator; pass a seeded one for repeatable tests.</param>
    /// <param name="marshal">How a deadline timer's callback reaches this router's serial context (the dispatcher
    /// posts it to its mailbox); null: the callback runs <see cref="OnTimer"/> itself, as under a fake clock.</param>
    public AcdRouter(
        QueuesOptions queues,
        ExtensionsOptions extensions,
        TimeProvider time,
        IAcdCallControl control,
        IAcdRecordSink records,
        ILogger<AcdRouter> logger,
        Random? random = null,
        Action<Action>? marshal = null)
    {
        _time = time;
        _control = control;
        _records = records;
        _logger = logger;
        _random = random ?? new Random();
        _origin = time.GetTimestamp();
        var onTimer = marshal is null ? (Action)OnTimer : () => marshal(OnTimer);
        _timer = time.CreateTimer(static state => ((Action)state!)(), onTimer, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        ApplyConfiguration(queues, extensions);
    }

    /// <summary>Monotonic time since the router started.</summary>
    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private DateTimeOffset UtcNow => _time.GetUtcNow();

    public int WaitingCallers => _callers.Count;

    /// <summary>
    /// Applies a new configuration generation: queues are added or get their new settings (callers in line keep
    /// their place), agents get their new skills and memberships. A queue that disappeared keeps its callers until
    /// they leave, but no agent serves it any more; an agent who disappeared is logged out.
    /// </summary>
    public void ApplyConfiguration(QueuesOptions queues, ExtensionsOptions extensions)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(extensions);
        _options = queues;
        foreach (var options in queues.Queues)
        {
            if (_queues.TryGetValue(options.Name, out var queue))
            {
                queue.Options = options;
            }
            else
            {
                _queues.Add(options.Name, new AcdQueue(options));
            }
        }

        var configured = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < extensions.Agents.Length; i++)
        {
            var options = extensions.Agents[i];
            configured.Add(options.Id);
            if (_agents.TryGetValue(options.Id, out var agent))
            {
                agent.Options = options;
                agent.Order = i;
            }
            else
            {
                _agents.Add(options.Id, new AcdAgent(options, i));
            }
        }

        foreach (var agent in _agents.Values.Where(a => !configured.Contains(a.Id)).ToList())
        {
            Logout(agent.Id);
            foreach (var member in agent.Memberships)
            {
                member.Queue.Members.Remove(member);
            }

            _agents.Remove(agent.Id);
        }

        RebuildMemberships();
        foreach (var agent in _agents.Values.OrderBy(a => a.Order))
        {
            if (agent.State == AgentState.Available)
            {
                ServeAgent(agent);
            }
        }

        Rearm();
    }

    private void RebuildMemberships()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Members.Clear();
        }

        foreach (var agent in _agents.Values.OrderBy(a => a.Order))
        {
            var previous = agent.Memberships.ToDictionary(m => m.Queue.Name, StringComparer.Ordinal);
            agent.Memberships.Clear();
            agent.Skills.Clear();
            foreach (var skill in agent.Options.Skills)
            {
                agent.Skills[skill.Name] = skill.Proficiency;
            }

            foreach (var membership in agent.Options.Queues)
            {
                if (!_queues.TryGetValue(membership.Queue, out var queue) || _options.FindQueue(queue.Name) is null)
                {
                    continue;
                }

                // Statistics of a membership that stays are kept across a reload.
                var member = previous.TryGetValue(membership.Queue, out var kept) ? kept : new AcdMember(agent, queue, membership.Penalty);
                member.Penalty = membership.Penalty;
                member.Order = queue.Members.Count;
                queue.Members.Add(member);
                agent.Memberships.Add(member);
            }
        }
    }

    private void Record(AcdQueue queue, AcdCaller caller, AcdAgent? agent, AcdQueueEventType type, Func<AcdQueueRecord, AcdQueueRecord>? with = null)
    {
        var record = new AcdQueueRecord(UtcNow, queue.Name, caller.Id, agent?.Id, type) { Wait = Now - caller.Entered };
        _records.Queue(with is null ? record : with(record));
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Debug, Message = "Agent {AgentId}: {From} -> {To} ({Reason})")]
    private static partial void LogAgentState(ILogger logger, string agentId, AgentState from, AgentState to, string? reason);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Debug, Message = "Caller {CallerId} offered to agent {AgentId} in queue {Queue} (offer {OfferId})")]
    private static partial void LogOffered(ILogger logger, string callerId, string agentId, string queue, long offerId);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "Agent {AgentId} missed {Missed} offers in a row and is now not ready ({Reason})")]
    private static partial void LogNoAnswerPause(ILogger logger, string agentId, int missed, string reason);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Debug, Message = "Report for unknown or finished {What} {Id} ignored")]
    private static partial void LogStale(ILogger logger, string what, string id);
}
