using System.Globalization;
using BenchmarkDotNet.Attributes;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Benchmarks;

/// <summary>
/// Routing decisions of the ACD router at issue 5's size: 1,000 agents in 50 queues (each agent in 3 queues with a
/// penalty of 0-2 and 3 of 10 skills at 30-100), 5,000 callers waiting (half of them needing one skill, priorities
/// 0-2), every agent on a call. The eight strategies are spread over the queues; every third queue has two relax steps.
/// <para><see cref="AgentFreedToNextOffer"/> is the decision that matters: an agent's call ends (no wrap-up), the router
/// picks the best caller across the agent's three queues and offers it. To keep the state steady the same operation
/// then answers that offer and lets a new caller join, so one operation is three router events. Each decision alone
/// (the hang-up up to the offer) is also timed with the stopwatch into a buffer, and the median and p99 of the last
/// <see cref="Samples"/> decisions are printed at the end (BenchmarkDotNet's percentiles are of iteration means, not
/// of single decisions). <see cref="CallerJoinsAndAbandons"/> is the caller side: a caller joins a line of ~100 where no
/// agent is free and hangs up again.</para>
/// <para>What it leaves out: the dispatcher's mailbox hop (one channel write and read per event), the records (a
/// sink that keeps nothing), logging (null). Time is a manual clock advanced 1 ms per operation.</para>
/// </summary>
[MemoryDiagnoser]
public class AcdRoutingBenchmarks
{
    public const int Agents = 1_000;
    public const int Queues = 50;
    public const int Waiting = 5_000;
    private const int Samples = 200_000;

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);

    private readonly long[] _decisions = new long[Samples];
    private BenchmarkClock _clock = null!;
    private LastOfferControl _control = null!;
    private AcdRouter _router = null!;
    private string[] _queueNames = null!;
    private string[] _skills = null!;
    private Dictionary<string, string[]> _queueSkills = null!;
    private string[] _talkingTo = null!;
    private string[] _agentIds = null!;
    private Random _random = null!;
    private long _structureBytes;
    private int _next;
    private int _callerCounter;
    private long _recorded;
    private long _decisionBytes;

    [GlobalSetup]
    public void Setup()
    {
        _random = new Random(5);
        _clock = new BenchmarkClock();
        _control = new LastOfferControl();
        var strategies = Enum.GetValues<QueueStrategy>();
        _queueNames = [.. Enumerable.Range(0, Queues).Select(i => $"q{i:00}")];
        _skills = [.. Enumerable.Range(0, 10).Select(i => $"skill{i}")];
        var queues = new QueuesOptions
        {
            Queues = [.. _queueNames.Select((name, i) => new QueueOptions
            {
                Name = name,
                Strategy = strategies[i % strategies.Length],
                Relax = i % 3 == 0
                    ? [new QueueRelaxStep(TimeSpan.FromSeconds(30), 20, 1, false), new QueueRelaxStep(TimeSpan.FromSeconds(60), null, 2, true)]
                    : [],
            })],
        };
        var agents = new ExtensionsOptions
        {
            Agents = [.. Enumerable.Range(0, Agents).Select(i => new AgentOptions
            {
                Id = $"agent{i:0000}",
                Name = $"Agent {i}",
                Pin = "1234",
                Queues = [.. Pick(_queueNames, 3).Select(q => new QueueMembershipOptions(q, _random.Next(3)))],
                Skills = [.. Pick(_skills, 3).Select(s => new AgentSkillOptions(s, _random.Next(30, 101)))],
            })],
        };
        _agentIds = [.. agents.Agents.Select(a => a.Id)];
        _talkingTo = new string[Agents];

        var before = GC.GetTotalMemory(forceFullCollection: true);
        _router = new AcdRouter(queues, agents, _clock, _control, NullAcdRecordSink.Instance, NullLogger<AcdRouter>.Instance, new Random(9));
        foreach (var id in _agentIds)
        {
            _router.Login(id, "ext-" + id);
        }

        // A caller needs a skill some member of its queue has, so that every caller can be served by someone.
        _queueSkills = _queueNames.ToDictionary(
            q => q,
            q => agents.Agents.Where(a => a.Queues.Any(m => m.Queue == q)).SelectMany(a => a.Skills).Select(s => s.Name).Distinct().Order().ToArray());

        // Put every agent on a call: a caller joins a queue of a free agent, is offered to a free member at once
        // (ring-all: to all of the tier) and answered by one of them.
        var busy = 0;
        while (busy < Agents)
        {
            for (var i = 0; i < Agents; i++)
            {
                if (_talkingTo[i] is not null)
                {
                    continue;
                }

                var previous = _control.Last?.OfferId;
                _router.Join(new CallerRequest(NextCaller(), agents.Agents[i].Queues[0].Queue));
                var offer = _control.Last!;
                if (offer.OfferId == previous)
                {
                    throw new InvalidOperationException("A caller joining a queue with a free member was not offered.");
                }

                _router.OfferAnswered(offer.OfferId);
                _talkingTo[Array.IndexOf(_agentIds, offer.AgentId)] = offer.CallerId;
                busy++;
            }
        }

        for (var i = 0; i < Waiting; i++)
        {
            _router.Join(NewCaller(_queueNames[_random.Next(Queues)]));
        }

        _structureBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        if (_router.WaitingCallers != Waiting + Agents)
        {
            throw new InvalidOperationException($"Expected {Waiting} waiting callers and {Agents} talking, found {_router.WaitingCallers} in all.");
        }
    }

    [Benchmark]
    public void AgentFreedToNextOffer()
    {
        _clock.Advance(Step);
        var agent = _next;
        _next = (_next + 1) % Agents;

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        _router.AgentHungUp(_talkingTo[agent]);
        var decision = System.Diagnostics.Stopwatch.GetTimestamp() - start;
        _decisionBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
        _decisions[_recorded++ % Samples] = decision;

        // Answer the offer the decision made, and put a new caller into that queue so that every line keeps its length.
        var offer = _control.Last!;
        if (offer.AgentId != _agentIds[agent])
        {
            throw new InvalidOperationException($"{_agentIds[agent]} was freed but no caller was offered to it.");
        }

        _router.OfferAnswered(offer.OfferId);
        _talkingTo[agent] = offer.CallerId;
        _router.Join(NewCaller(offer.Queue));
    }

    [Benchmark]
    public void CallerJoinsAndAbandons()
    {
        _clock.Advance(Step);
        var caller = NewCaller(_queueNames[_random.Next(Queues)]);
        _router.Join(caller);
        _router.CallerHungUp(caller.CallerId);
    }

    [GlobalCleanup]
    public void Report()
    {
        var count = (int)Math.Min(_recorded, Samples);
        if (count == 0)
        {
            Console.WriteLine($"// ACD structure: {_structureBytes / 1024.0 / 1024.0:0.00} MB for {Agents} agents, {Queues} queues, {Waiting} waiting callers");
            return;
        }

        var sorted = _decisions.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        double Micro(long ticks) => ticks * 1_000_000.0 / System.Diagnostics.Stopwatch.Frequency;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"// ACD decision (agent freed -> offer), last {count} decisions: median {Micro(sorted[count / 2]):0.00} us, " +
            $"p99 {Micro(sorted[(int)(count * 0.99)]):0.00} us, p99.9 {Micro(sorted[(int)(count * 0.999)]):0.00} us, max {Micro(sorted[^1]):0.00} us, " +
            $"{_decisionBytes / (double)_recorded:0} bytes allocated per decision (call-end record, two state records, the offer); " +
            $"structure {_structureBytes / 1024.0 / 1024.0:0.00} MB for {Agents} agents, {Queues} queues, {Waiting} waiting callers");
        Console.WriteLine(line);
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "acd-routing-decisions.txt"), line + Environment.NewLine);
    }

    private CallerRequest NewCaller(string queue)
    {
        var request = new CallerRequest(NextCaller(), queue, _random.Next(3));
        var skills = _queueSkills[queue];
        return _random.Next(2) == 0 || skills.Length == 0
            ? request
            : request with { RequiredSkills = [new SkillRequirement(skills[_random.Next(skills.Length)])] };
    }

    private string NextCaller() => "c" + (_callerCounter++).ToString(CultureInfo.InvariantCulture);

    private IEnumerable<string> Pick(string[] from, int count) => from.OrderBy(_ => _random.Next()).Take(count).ToArray();

    /// <summary>The call layer reduced to remembering the last offer; everything else is dropped.</summary>
    private sealed class LastOfferControl : IAcdCallControl
    {
        public AcdOffer? Last { get; private set; }

        public void OfferToAgent(AcdOffer offer) => Last = offer;

        public void CancelOffer(long offerId, string callerId, string agentId)
        {
        }

        public void Connect(long offerId, string callerId, string agentId)
        {
        }

        public void CallBack(string callerId, string number)
        {
        }

        public void Announce(string callerId, AcdAnnouncement announcement)
        {
        }

        public void Overflow(string callerId, string fromQueue, OverflowTarget target)
        {
        }

        public void Exit(string callerId, string queue, QueueExitReason reason)
        {
        }
    }
}
