using CallCenter.Core.Configuration;

namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// The standard KPIs of one queue over callers who entered it in [<see cref="From"/>, <see cref="To"/>). Each caller
/// counts once, in the interval it entered, with its first outcome in this queue: answered (CONNECT), abandoned
/// (hung up before an answer), timed out (max wait, overflowing or not), or left otherwise (exit key, emptied queue,
/// failed callback). "Within T" means a wait of at most T.
/// </summary>
public sealed record QueueKpis
{
    public required string Queue { get; init; }
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }

    /// <summary>Callers who entered the queue.</summary>
    public int Offered { get; init; }
    public int Answered { get; init; }
    public int AnsweredWithinThreshold { get; init; }
    public int Abandoned { get; init; }

    /// <summary>Abandoned within the service-level threshold.</summary>
    public int AbandonedWithinThreshold { get; init; }

    /// <summary>Abandoned within the "short abandon" seconds the query asked for.</summary>
    public int AbandonedWithin { get; init; }

    public TimeSpan ShortAbandon { get; init; }
    public int TimedOut { get; init; }

    /// <summary>Timed out into an overflow target (a subset of <see cref="TimedOut"/>).</summary>
    public int Overflowed { get; init; }

    public int OtherExits { get; init; }

    /// <summary>Callers still waiting (or on a call not yet ended) at the time of the query.</summary>
    public int Unresolved { get; init; }

    /// <summary>Callers turned away without entering: queue full or empty on joining.</summary>
    public int Refused { get; init; }

    public int CallbacksRequested { get; init; }

    public TimeSpan Threshold { get; init; }
    public ServiceLevelFormula Formula { get; init; }

    /// <summary>The formula in words, as reports must state it ("answered within 20 s / offered").</summary>
    public string FormulaText { get; init; } = string.Empty;

    /// <summary>0..1, or null when the formula's denominator is zero.</summary>
    public double? ServiceLevel { get; init; }

    /// <summary>Average speed of answer: the mean wait of answered callers.</summary>
    public TimeSpan? AverageSpeedOfAnswer { get; init; }

    /// <summary>Average handle time: talk + hold + wrap-up, over answered calls that have ended.</summary>
    public TimeSpan? AverageHandleTime { get; init; }

    public TimeSpan? LongestAnsweredWait { get; init; }
}
