using System.Collections.Immutable;

namespace CallCenter.Core.Configuration;

/// <summary>
/// The contents of ivr.xml: the inbound routes (a called number to a flow) and the flows themselves. An installation
/// without ivr.xml has no flows and no routes. Every reference inside (next nodes, flows, queues, extensions) was
/// checked when the file was loaded, so the engine may look them up without a fallback.
/// </summary>
public sealed record IvrOptions
{
    public const int DefaultMaxStepsWithoutInput = 64;

    public ImmutableArray<IvrRoute> Routes { get; init; } = [];

    public ImmutableArray<IvrFlow> Flows { get; init; } = [];

    /// <summary>How many nodes a session may pass through without the caller pressing a key before it is stopped as a
    /// runaway (the validator refuses the loops it can see; this catches the rest).</summary>
    public int MaxStepsWithoutInput { get; init; } = DefaultMaxStepsWithoutInput;

    public IvrFlow? FindFlow(string name)
    {
        foreach (var flow in Flows)
        {
            if (string.Equals(flow.Name, name, StringComparison.Ordinal))
            {
                return flow;
            }
        }

        return null;
    }

    /// <summary>The flow an inbound call to <paramref name="number"/> (a DID or an internal number) starts in.</summary>
    public IvrFlow? FlowForNumber(string number)
    {
        foreach (var route in Routes)
        {
            if (string.Equals(route.Number, number, StringComparison.Ordinal))
            {
                return FindFlow(route.Flow);
            }
        }

        return null;
    }
}

/// <summary>A called number (DID as the trunk presents it, or an internal number) answered by a flow.</summary>
public sealed record IvrRoute(string Number, string Flow);

/// <summary>One flow: its nodes, the node a call enters it by, and the prompt language (a folder of config/sounds).</summary>
public sealed record IvrFlow
{
    public required string Name { get; init; }
    public required string Start { get; init; }
    public string Language { get; init; } = "en";
    public ImmutableArray<IvrNode> Nodes { get; init; } = [];

    public IvrNode? FindNode(string id)
    {
        foreach (var node in Nodes)
        {
            if (string.Equals(node.Id, id, StringComparison.Ordinal))
            {
                return node;
            }
        }

        return null;
    }
}

/// <summary>A node of a flow; the subtypes say what it does and where the call goes next.</summary>
public abstract record IvrNode(string Id)
{
    /// <summary>The ids of the nodes of the same flow this node may continue to.</summary>
    public abstract IEnumerable<string> Successors { get; }
}

/// <summary>Plays prompts, then goes on. When <see cref="Interruptible"/>, a key stops the prompt and is kept for the
/// next node (type-ahead: a regular caller presses 2 during the welcome).</summary>
public sealed record IvrPlayNode(string Id, ImmutableArray<string> Prompts, bool Interruptible, string Next) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Next];
}

/// <summary>A key chooses the next node of a menu.</summary>
public sealed record IvrMenuChoice(char Digit, string Next);

/// <summary>
/// Plays its prompts (always interruptible) and waits <see cref="Timeout"/> for a key. A key without a choice or no key
/// at all counts as a failed attempt: the invalid or timeout prompts are played and the menu is repeated, at most
/// <see cref="Retries"/> times; then the call goes to <see cref="Fallback"/>.
/// </summary>
public sealed record IvrMenuNode(
    string Id,
    ImmutableArray<string> Prompts,
    ImmutableArray<IvrMenuChoice> Choices,
    TimeSpan Timeout,
    int Retries,
    ImmutableArray<string> InvalidPrompts,
    ImmutableArray<string> TimeoutPrompts,
    string Fallback) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => Choices.Select(c => c.Next).Append(Fallback);
}

/// <summary>
/// Collects a number (account, PIN) into <see cref="Variable"/>. Input ends with <see cref="Terminator"/>, at
/// <see cref="MaxLength"/> keys, or when <see cref="InterDigitTimeout"/> passes after a key; fewer than
/// <see cref="MinLength"/> keys, or none within <see cref="FirstDigitTimeout"/>, is a failed attempt handled as in a menu.
/// </summary>
public sealed record IvrCollectNode(
    string Id,
    ImmutableArray<string> Prompts,
    string Variable,
    int MinLength,
    int MaxLength,
    char? Terminator,
    TimeSpan FirstDigitTimeout,
    TimeSpan InterDigitTimeout,
    int Retries,
    ImmutableArray<string> InvalidPrompts,
    ImmutableArray<string> TimeoutPrompts,
    string Next,
    string Fallback) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Next, Fallback];
}

/// <summary>Open hours on one weekday, local time; <see cref="To"/> may be 24:00 (end of the day).</summary>
public sealed record IvrOpeningHours(DayOfWeek Day, TimeSpan From, TimeSpan To);

/// <summary>
/// Branches on the local time in <see cref="TimeZone"/>: a holiday date first, then the weekly hours. Local time is
/// what a bank's opening hours are written in, so a DST change moves the UTC instants, not the hours.
/// </summary>
public sealed record IvrTimeConditionNode(
    string Id,
    TimeZoneInfo TimeZone,
    ImmutableArray<IvrOpeningHours> Hours,
    ImmutableArray<DateOnly> Holidays,
    string Open,
    string Closed,
    string Holiday) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Open, Closed, Holiday];
}

public sealed record IvrSetVariableNode(string Id, string Name, string Value, string Next) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Next];
}

/// <summary>Sets the queue priority (higher first): a fixed <see cref="Value"/>, or the number held in
/// <see cref="Variable"/> (a data dip's answer), which keeps the current priority when missing or not a number.</summary>
public sealed record IvrSetPriorityNode(string Id, int? Value, string? Variable, string Next) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Next];
}

/// <summary>A skill the caller needs, as the ACD's caller request takes it; null proficiency: the queue's minimum.</summary>
public sealed record IvrSkillRequirement(string Skill, int? MinProficiency);

/// <summary>Replaces the caller's required skills.</summary>
public sealed record IvrSetSkillsNode(string Id, ImmutableArray<IvrSkillRequirement> Skills, string Next) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Next];
}

/// <summary>Hands the call to an ACD queue with the priority and skills set so far; the flow ends.</summary>
public sealed record IvrQueueNode(string Id, string Queue) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [];
}

/// <summary>Transfers the call to an extension; the flow ends.</summary>
public sealed record IvrExtensionNode(string Id, string Extension) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [];
}

/// <summary>Continues in another flow's start node; variables, priority and skills are kept.</summary>
public sealed record IvrGoToFlowNode(string Id, string Flow) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [];
}

public sealed record IvrHangupNode(string Id) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [];
}

public enum IvrDipMethod
{
    /// <summary>The caller's number and the chosen variables as query parameters.</summary>
    Get,

    /// <summary>The caller's number and the chosen variables as a JSON object.</summary>
    Post,
}

/// <summary>A field of the JSON answer (dotted path: "customer.tier") copied into a variable.</summary>
public sealed record IvrDipField(string Path, string Variable);

/// <summary>
/// Asks an HTTP service about the caller (a bank's CRM) and maps fields of its JSON answer to variables. A 2xx answer
/// with a JSON object goes to <see cref="Ok"/>; anything else (refused, non-2xx, not JSON) to <see cref="Failed"/>;
/// no answer within <see cref="Timeout"/> to <see cref="TimedOut"/>.
/// </summary>
public sealed record IvrDataDipNode(
    string Id,
    Uri Url,
    IvrDipMethod Method,
    ImmutableArray<string> Send,
    ImmutableArray<IvrDipField> Map,
    TimeSpan Timeout,
    string Ok,
    string Failed,
    string TimedOut) : IvrNode(Id)
{
    public override IEnumerable<string> Successors => [Ok, Failed, TimedOut];
}
