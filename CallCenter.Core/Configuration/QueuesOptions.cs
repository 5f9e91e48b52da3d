using System.Collections.Immutable;

namespace CallCenter.Core.Configuration;

/// <summary>
/// The contents of queues.xml: the ACD queues, the reasons an agent may give for not being ready, and what happens
/// to an agent who lets queue calls ring out. An installation without queues.xml has no queues (and no ACD).
/// </summary>
public sealed record QueuesOptions
{
    /// <summary>The reason given to an agent whom <see cref="NoAnswerPolicy"/> set not ready, unless configured.</summary>
    public const string DefaultNoAnswerReason = "no-answer";

    public ImmutableArray<QueueOptions> Queues { get; init; } = [];

    /// <summary>Codes an agent may choose when going not ready (break, lunch, training...).</summary>
    public ImmutableArray<NotReadyReasonOptions> NotReadyReasons { get; init; } =
        [new NotReadyReasonOptions(DefaultNoAnswerReason, "No answer", null)];

    public NoAnswerPolicy NoAnswer { get; init; } = new();

    public QueueOptions? FindQueue(string name)
    {
        foreach (var queue in Queues)
        {
            if (string.Equals(queue.Name, name, StringComparison.Ordinal))
            {
                return queue;
            }
        }

        return null;
    }

    /// <summary>The queue whose <see cref="QueueOptions.Number"/> is <paramref name="number"/>, if any.</summary>
    public QueueOptions? FindByNumber(string number)
    {
        foreach (var queue in Queues)
        {
            if (queue.Number is not null && string.Equals(queue.Number, number, StringComparison.Ordinal))
            {
                return queue;
            }
        }

        return null;
    }

    public bool Equals(QueuesOptions? other) =>
        other is not null && Queues.SequenceEqual(other.Queues) && NotReadyReasons.SequenceEqual(other.NotReadyReasons)
        && NoAnswer == other.NoAnswer;

    public override int GetHashCode() => HashCode.Combine(Queues.Length, NotReadyReasons.Length, NoAnswer);
}

/// <summary>A not-ready reason: its code (stored and reported), a label for the console, and the digit a phone
/// user appends to the not-ready feature code to choose it.</summary>
public sealed record NotReadyReasonOptions(string Code, string Name, char? Digit);

/// <summary>After <see cref="MaxMissedOffers"/> queue calls in a row that an agent's phone did not answer, the agent
/// is set not ready with <see cref="Reason"/>, so that callers stop waiting on an empty desk. Zero switches it off.</summary>
public sealed record NoAnswerPolicy
{
    public int MaxMissedOffers { get; init; } = 3;
    public string Reason { get; init; } = QueuesOptions.DefaultNoAnswerReason;
}

public enum QueueStrategy
{
    /// <summary>Every free agent of the best penalty tier rings at once; the first to answer takes the call.</summary>
    RingAll,

    /// <summary>The agent who has been free the longest since their last call.</summary>
    LongestIdle,

    /// <summary>The next agent after the one who took the previous call, in membership order (Asterisk rrmemory).</summary>
    RoundRobin,

    /// <summary>The agent who took the fewest calls of this queue since logging in.</summary>
    FewestCalls,

    /// <summary>The agent with the least talk time since logging in.</summary>
    LeastTalkTime,

    /// <summary>Always in membership order: the first free agent listed.</summary>
    Linear,

    /// <summary>A random free agent.</summary>
    Random,

    /// <summary>The most proficient agent in the caller's required skills, then the longest idle.</summary>
    SkillsBased,
}

/// <summary>
/// When a queue counts as empty for joining and leaving, as Asterisk's joinempty/leavewhenempty in their classic
/// yes/no/strict form.
/// </summary>
public enum QueueEmptyRule
{
    /// <summary>Never empty: callers join (or stay) even when no agent is logged in.</summary>
    Never,

    /// <summary>Empty when no agent of the queue is logged in (a not-ready agent still counts).</summary>
    NoAgentsLoggedIn,

    /// <summary>Empty when no agent of the queue is logged in and ready (available, ringing, on a call or in wrap-up).</summary>
    NoAgentsReady,
}

public enum OverflowAction
{
    /// <summary>Move the caller to another queue, where it keeps its priority and its original arrival time.</summary>
    Queue,

    /// <summary>Transfer the caller to an extension.</summary>
    Extension,

    /// <summary>The caller leaves a message in the target's voicemail (when voicemail exists).</summary>
    Voicemail,

    /// <summary>Play the message, if any, and hang up.</summary>
    Hangup,
}

/// <summary>Where a caller goes when a queue's wait or length threshold is passed.</summary>
public sealed record OverflowTarget(OverflowAction Action, string? Target, string? Message)
{
    public override string ToString() => Target is null ? Action.ToString().ToLowerInvariant() : $"{Action.ToString().ToLowerInvariant()}:{Target}";
}

/// <summary>
/// Which of the accepted service-level definitions a queue reports. T is the queue's threshold; "short" abandons are
/// those that hung up within T.
/// </summary>
public enum ServiceLevelFormula
{
    /// <summary>answered within T / answered.</summary>
    Answered,

    /// <summary>answered within T / offered (answered + abandoned + the rest that left).</summary>
    Offered,

    /// <summary>answered within T / (offered - abandoned within T): short abandons are left out.</summary>
    OfferedExcludingShortAbandons,

    /// <summary>(answered within T + abandoned within T) / offered: a short abandon counts as met.</summary>
    ShortAbandonsMet,
}

/// <summary>
/// A step of the relaxation rules (Asterisk queuerules, Genesys bullseye): from <see cref="After"/> of waiting, the
/// caller accepts agents down to <see cref="MinProficiency"/> in its required skills and up to
/// <see cref="MaxPenalty"/>; <see cref="IgnoreSkills"/> accepts any agent of the queue.
/// </summary>
public sealed record QueueRelaxStep(TimeSpan After, int? MinProficiency, int? MaxPenalty, bool IgnoreSkills);

public sealed record QueueAnnounceOptions
{
    /// <summary>Tell the caller its place in line.</summary>
    public bool Position { get; init; }

    /// <summary>Tell the caller the estimated wait.</summary>
    public bool EstimatedWait { get; init; }

    /// <summary>How often position and wait are told; zero: only once, on joining.</summary>
    public TimeSpan Frequency { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A prompt played every <see cref="PeriodicInterval"/> ("your call is important..."); null for none.</summary>
    public string? PeriodicPrompt { get; init; }

    public TimeSpan PeriodicInterval { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>A skill a queue's direct callers need, at <paramref name="MinProficiency"/> or (null) the queue's
/// minimum.</summary>
public sealed record QueueSkillOptions(string Skill, int? MinProficiency);

public sealed record QueueOptions
{
    public required string Name { get; init; }

    /// <summary>The number a phone dials to wait in this queue; null: reached only by overflow (or, later, by
    /// inbound routes and the IVR).</summary>
    public string? Number { get; init; }

    public QueueStrategy Strategy { get; init; } = QueueStrategy.LongestIdle;

    /// <summary>How long one agent's phone rings before the offer is withdrawn (Asterisk's timeout).</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>After an offer fails, the caller waits this long before the next agent is tried (Asterisk's retry).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a caller waits in this queue before overflowing; zero for no limit.</summary>
    public TimeSpan MaxWait { get; init; }

    /// <summary>Most callers waiting at once; zero for no limit.</summary>
    public int MaxLength { get; init; }

    public QueueEmptyRule JoinWhenEmpty { get; init; } = QueueEmptyRule.Never;
    public QueueEmptyRule LeaveWhenEmpty { get; init; } = QueueEmptyRule.Never;

    /// <summary>Where a caller goes after <see cref="MaxWait"/>; null: it leaves the queue with a timeout.</summary>
    public OverflowTarget? OnMaxWait { get; init; }

    /// <summary>Where a caller goes who finds <see cref="MaxLength"/> callers waiting; null: it is refused as full.</summary>
    public OverflowTarget? OnMaxLength { get; init; }

    /// <summary>Answers within this time count as meeting the service level.</summary>
    public TimeSpan ServiceLevelThreshold { get; init; } = TimeSpan.FromSeconds(20);

    public ServiceLevelFormula ServiceLevelFormula { get; init; } = ServiceLevelFormula.Offered;

    public QueueAnnounceOptions Announce { get; init; } = new();

    /// <summary>Music-on-hold class played while waiting.</summary>
    public string MusicOnHold { get; init; } = "default";

    /// <summary>The DTMF digit that takes a caller out of the queue (Asterisk's context exit); null for none.</summary>
    public char? ExitDigit { get; init; }

    /// <summary>The DTMF digit with which a caller asks to be called back and keeps its place; null for none.</summary>
    public char? CallbackDigit { get; init; }

    /// <summary>An agent stays in wrap-up this long after a call of this queue, in every queue it serves.</summary>
    public TimeSpan WrapUp { get; init; }

    /// <summary>The proficiency a caller's required skills ask for before any relax step applies.</summary>
    public int MinProficiency { get; init; } = 1;

    /// <summary>The highest member penalty asked before any relax step applies; null: every penalty.</summary>
    public int? MaxPenalty { get; init; }

    /// <summary>Relax steps in increasing order of <see cref="QueueRelaxStep.After"/>.</summary>
    public ImmutableArray<QueueRelaxStep> Relax { get; init; } = [];

    /// <summary>The priority of a caller who dials <see cref="Number"/> directly (higher first), and of one an IVR
    /// flow sends here without setting a priority.</summary>
    public int DefaultPriority { get; init; }

    /// <summary>The skills a caller who dials <see cref="Number"/> directly needs, and one an IVR flow sends here
    /// without setting skills.</summary>
    public ImmutableArray<QueueSkillOptions> DefaultSkills { get; init; } = [];

    public bool Equals(QueueOptions? other) =>
        other is not null && Name == other.Name && Number == other.Number && Strategy == other.Strategy && RingTimeout == other.RingTimeout
        && RetryDelay == other.RetryDelay && MaxWait == other.MaxWait && MaxLength == other.MaxLength
        && JoinWhenEmpty == other.JoinWhenEmpty && LeaveWhenEmpty == other.LeaveWhenEmpty && OnMaxWait == other.OnMaxWait
        && OnMaxLength == other.OnMaxLength && ServiceLevelThreshold == other.ServiceLevelThreshold
        && ServiceLevelFormula == other.ServiceLevelFormula && Announce == other.Announce && MusicOnHold == other.MusicOnHold
        && ExitDigit == other.ExitDigit && CallbackDigit == other.CallbackDigit && WrapUp == other.WrapUp
        && MinProficiency == other.MinProficiency && MaxPenalty == other.MaxPenalty && Relax.SequenceEqual(other.Relax)
        && DefaultPriority == other.DefaultPriority && DefaultSkills.SequenceEqual(other.DefaultSkills);

    public override int GetHashCode() => HashCode.Combine(Name, Strategy, RingTimeout, MaxWait, MaxLength);
}
