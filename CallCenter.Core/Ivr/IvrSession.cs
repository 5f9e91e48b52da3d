using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Ivr;

/// <summary>
/// One call running through IVR flows. It is a state machine driven by events: <see cref="Start"/>, a prompt finished,
/// a key, a timeout, a data dip's result, the caller hanging up. It issues its commands through
/// <see cref="IIvrCallControl"/> and never touches SIP or RTP, so tests drive it with a fake port and a fake clock.
/// <para>Threading: not thread-safe by design (STYLE.md §4). Every public method runs on the call's serial context. The
/// session's own timer and a dip's completion arrive on other threads and are handed to that context through the
/// <c>marshal</c> delegate (the call's mailbox post), so they run in order with everything else.</para>
/// <para>Time: one timer per session, armed for the one deadline the current node waits for (menu timeout, first or
/// inter-digit timeout, dip timeout) and compared against a monotonic deadline when it fires: a firing that raced with
/// a re-arm, or that came early by the timer's coarser clock, finds the deadline still ahead and waits for the rest
/// of it, so no timeout is acted on before its time and none is lost.</para>
/// <para>Nodes that do not wait (conditions, variables, jumps) run back to back in one loop; a call that passes
/// <see cref="IvrOptions.MaxStepsWithoutInput"/> nodes without a key is hung up as a runaway (the validator refuses the
/// loops it can see; this bounds the rest).</para>
/// <para>A session keeps the <see cref="IvrOptions"/> it was created with: a configuration reload applies to the next
/// calls, so a caller never finds itself in a half-changed flow.</para>
/// </summary>
public sealed partial class IvrSession : IDisposable
{
    /// <summary>Keys pressed while nothing waits for them (during an interrupted prompt, a dip) wait here for the next
    /// menu or collect; beyond this many the newest are dropped.</summary>
    public const int TypeAheadCapacity = 32;

    public const string CallerVariable = "caller";
    public const string CalledVariable = "called";

    private readonly IvrOptions _options;
    private readonly IvrCall _call;
    private readonly IIvrCallControl _control;
    private readonly IIvrDataDip _dip;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<Action> _marshal;
    private readonly ITimer _timer;
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);
    private readonly Queue<char> _typeAhead = new();
    private readonly StringBuilder _digits = new();

    private IvrFlow _flow;
    private IvrNode? _node;
    private Wait _wait;
    private long _playbackId;

    // Ids only ever grow within a session, so a late report for an earlier playback can never match.
    private long _lastPlaybackId;
    private bool _running;
    private long _deadline = long.MaxValue;
    private int _attempts;
    private int _steps;

    // Null until a node sets them: the queue's own defaults then apply (IvrQueueTransfer).
    private int? _priority;
    private ImmutableArray<SkillRequirement>? _skills;

    /// <param name="flow">The flow the call starts in (<see cref="IvrOptions.FlowForNumber"/> of the called number).</param>
    /// <param name="marshal">Posts an action to the call's serial context; the timer and dip completions go through it.
    /// A test that drives everything from one thread under a fake clock may pass <c>a => a()</c>, as long as it uses
    /// no real dip.</param>
    public IvrSession(
        IvrOptions options,
        IvrFlow flow,
        IvrCall call,
        IIvrCallControl control,
        IIvrDataDip dip,
        TimeProvider time,
        ILogger<IvrSession> logger,
        Action<Action> marshal)
    {
        _options = options;
        _flow = flow;
        _call = call;
        _control = control;
        _dip = dip;
        _time = time;
        _logger = logger;
        _marshal = marshal;
        _variables[CallerVariable] = call.CallerNumber;
        _variables[CalledVariable] = call.CalledNumber;
        _timer = time.CreateTimer(static state => ((IvrSession)state!).OnTimerThread(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private enum Wait
    {
        /// <summary>Not started, or running nodes that do not wait.</summary>
        None,

        /// <summary>A play node's prompts are playing.</summary>
        Prompt,

        /// <summary>A menu or collect plays its prompts (a key cuts them short) or waits for keys after them.</summary>
        Input,

        /// <summary>A data dip is under way.</summary>
        Dip,

        Ended,
    }

    public bool HasEnded => _wait == Wait.Ended;

    public IvrSessionOutcome? Outcome { get; private set; }

    public string FlowName => _flow.Name;

    /// <summary>The node the call is in (or ended in).</summary>
    public string? NodeId => _node?.Id;

    /// <summary>Set by a setPriority node; null before.</summary>
    public int? Priority => _priority;

    /// <summary>Set by a setSkills node; null before.</summary>
    public ImmutableArray<SkillRequirement>? Skills => _skills;

    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <summary>Enters the flow's start node. Call once, on the call's context.</summary>
    public void Start()
    {
        if (_node is not null || _wait == Wait.Ended)
        {
            return;
        }

        LogStarted(_logger, _call.CallId, _flow.Name, _call.CalledNumber);
        Run(Next(_flow.Start));
    }

    /// <summary>The playback <paramref name="playbackId"/> ended by itself. Reports for an older playback are ignored.</summary>
    public void PromptFinished(long playbackId)
    {
        if (playbackId != _playbackId || _wait is not (Wait.Prompt or Wait.Input))
        {
            return;
        }

        _playbackId = 0;
        switch (_node)
        {
            case IvrPlayNode play:
                Run(Next(play.Next));
                break;
            case IvrMenuNode menu:
                Arm(menu.Timeout);
                break;
            case IvrCollectNode collect:
                Arm(_digits.Length == 0 ? collect.FirstDigitTimeout : collect.InterDigitTimeout);
                break;
        }
    }

    /// <summary>A key from the caller, RFC 4733 or in-band: the call layer reports each key once, on its end.</summary>
    public void DigitReceived(char digit)
    {
        if (_wait == Wait.Ended || !IsKey(digit))
        {
            return;
        }

        // A key is the caller's input: whatever ran before it was not a runaway.
        _steps = 0;
        switch (_wait)
        {
            case Wait.Input:
                Run(InputDigit(digit));
                break;
            case Wait.Prompt when _node is IvrPlayNode { Interruptible: true } play:
                StopPlayback();
                KeepTypeAhead(digit);
                Run(Next(play.Next));
                break;
            case Wait.Prompt:
                LogDigitIgnored(_logger, _call.CallId, digit, _node?.Id);
                break;
            default:
                KeepTypeAhead(digit);
                break;
        }
    }

    /// <summary>The caller left. Nothing more is sent to the port; a dip under way is cancelled.</summary>
    public void CallerHungUp()
    {
        if (_wait != Wait.Ended)
        {
            End(IvrSessionOutcome.CallerHungUp);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        CancelDip();
    }

    private static bool IsKey(char digit) => digit is >= '0' and <= '9' or '*' or '#' or >= 'A' and <= 'D';

    private void KeepTypeAhead(char digit)
    {
        if (_typeAhead.Count < TypeAheadCapacity)
        {
            _typeAhead.Enqueue(digit);
        }
    }

    /// <summary>
    /// Runs nodes from <paramref name="node"/> until one waits for something or the session ends. A node that waits for
    /// keys is first given the type-ahead, and a dip that answered while the loop ran is taken up here, so that the
    /// session never re-enters itself.
    /// </summary>
    private void Run(IvrNode? node)
    {
        _running = true;
        try
        {
            RunLoop(node);
        }
        finally
        {
            _running = false;
        }
    }

    private void RunLoop(IvrNode? node)
    {
        while (_wait != Wait.Ended)
        {
            if (node is null)
            {
                if (_wait == Wait.Input && _typeAhead.TryDequeue(out var key))
                {
                    node = InputDigit(key);
                    continue;
                }

                if (_wait == Wait.Dip && _pendingDip is { } pending && _node is IvrDataDipNode dip)
                {
                    _pendingDip = null;
                    node = DipCompleted(dip, pending);
                    continue;
                }

                return;
            }

            if (++_steps > _options.MaxStepsWithoutInput)
            {
                LogRunaway(_logger, _call.CallId, _flow.Name, node.Id, _options.MaxStepsWithoutInput);
                _node = node;
                End(IvrSessionOutcome.Runaway);
                _control.HangUp(_call.CallId, IvrHangupReason.Runaway);
                return;
            }

            _node = node;
            _wait = Wait.None;
            LogNode(_logger, _call.CallId, _flow.Name, node.Id);
            node = Execute(node);
        }
    }

    /// <summary>Carries out one node; returns the node to run next, or null when the session now waits or ended.</summary>
    private IvrNode? Execute(IvrNode node)
    {
        switch (node)
        {
            case IvrPlayNode play when play.Prompts.IsEmpty:
                return Next(play.Next);
            case IvrPlayNode play:
                Play(play.Prompts, play.Interruptible, Wait.Prompt);
                return null;
            case IvrMenuNode menu:
                _attempts = 0;
                return EnterMenu(menu);
            case IvrCollectNode collect:
                _attempts = 0;
                _digits.Clear();
                return EnterCollect(collect);
            case IvrTimeConditionNode condition:
                var branch = IvrTimeConditions.Evaluate(condition, _time.GetUtcNow());
                LogTimeBranch(_logger, _call.CallId, condition.Id, branch);
                return Next(branch switch
                {
                    IvrTimeBranch.Open => condition.Open,
                    IvrTimeBranch.Holiday => condition.Holiday,
                    _ => condition.Closed,
                });
            case IvrSetVariableNode set:
                _variables[set.Name] = set.Value;
                return Next(set.Next);
            case IvrSetPriorityNode set:
                SetPriority(set);
                return Next(set.Next);
            case IvrSetSkillsNode set:
                _skills = [.. set.Skills.Select(s => new SkillRequirement(s.Skill, s.MinProficiency))];
                return Next(set.Next);
            case IvrGoToFlowNode goTo:
                var target = _options.FindFlow(goTo.Flow);
                if (target is null)
                {
                    Missing("flow", goTo.Flow);
                    return null;
                }

                _flow = target;
                return Next(_flow.Start);
            case IvrQueueNode queue:
                End(IvrSessionOutcome.Queue);
                _control.TransferToQueue(_call.CallId, new IvrQueueTransfer(queue.Queue, _priority, _skills, _variables.ToImmutableDictionary(StringComparer.Ordinal)));
                return null;
            case IvrExtensionNode extension:
                End(IvrSessionOutcome.Extension);
                _control.TransferToExtension(_call.CallId, extension.Extension, _variables.ToImmutableDictionary(StringComparer.Ordinal));
                return null;
            case IvrHangupNode:
                End(IvrSessionOutcome.HungUp);
                _control.HangUp(_call.CallId, IvrHangupReason.FlowEnded);
                return null;
            case IvrDataDipNode dip:
                StartDip(dip);
                return null;
            default:
                throw new InvalidOperationException($"Unknown IVR node type {node.GetType().Name}.");
        }
    }

    /// <summary>The node <paramref name="id"/> of the current flow. The loader validated every reference, so a miss
    /// means options built by hand without validation: the call is ended rather than left waiting on nothing.</summary>
    private IvrNode? Next(string id)
    {
        var node = _flow.FindNode(id);
        if (node is null)
        {
            Missing("node", $"{_flow.Name}/{id}");
        }

        return node;
    }

    private void Missing(string what, string name)
    {
        LogMissing(_logger, _call.CallId, what, name);
        End(IvrSessionOutcome.HungUp);
        _control.HangUp(_call.CallId, IvrHangupReason.FlowEnded);
    }

    private void SetPriority(IvrSetPriorityNode set)
    {
        if (set.Value is { } value)
        {
            _priority = value;
            return;
        }

        if (set.Variable is { } name && _variables.TryGetValue(name, out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            _priority = Math.Clamp(parsed, 0, 100);
            return;
        }

        LogPriorityKept(_logger, _call.CallId, set.Id, set.Variable, _priority?.ToString(CultureInfo.InvariantCulture) ?? "the queue's default");
    }

    private void Play(ImmutableArray<string> prompts, bool interruptible, Wait wait)
    {
        _wait = wait;
        _playbackId = ++_lastPlaybackId;
        _control.Play(_call.CallId, _playbackId, prompts, _flow.Language, interruptible);
    }

    private void StopPlayback()
    {
        if (_playbackId != 0)
        {
            _control.StopPlayback(_call.CallId, _playbackId);
            _playbackId = 0;
        }
    }

    private void Arm(TimeSpan timeout)
    {
        _deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    private void Disarm()
    {
        _deadline = long.MaxValue;
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    // Timer thread (or the test's thread under a fake clock): only hand over.
    private void OnTimerThread() => _marshal(OnTimer);

    private void OnTimer()
    {
        if (_wait == Wait.Ended || _deadline == long.MaxValue)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (now < _deadline)
        {
            // Early or stale. A system timer counts on a coarser clock than the monotonic timestamp (on Linux a
            // tick of up to 4 ms), so it may fire a little before the deadline; and a firing that raced with a
            // re-arm finds the new deadline ahead. Either way the deadline still stands, and as the timer is
            // one-shot, nothing else would wake the session for it (seen: a menu that never timed out).
            _timer.Change(TimeSpan.FromSeconds((double)(_deadline - now) / _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
            return;
        }

        _deadline = long.MaxValue;
        switch (_wait, _node)
        {
            case (Wait.Input, IvrMenuNode menu):
                LogTimeout(_logger, _call.CallId, menu.Id);
                Run(MenuFailed(menu, menu.TimeoutPrompts));
                break;
            case (Wait.Input, IvrCollectNode collect):
                Run(CollectTimedOut(collect));
                break;
            case (Wait.Dip, IvrDataDipNode dip):
                Run(DipTimedOut(dip));
                break;
        }
    }

    private void End(IvrSessionOutcome outcome)
    {
        _wait = Wait.Ended;
        Outcome = outcome;
        Disarm();
        CancelDip();
        LogEnded(_logger, _call.CallId, outcome, _flow.Name, _node?.Id);
    }
}
