using System.Collections.Immutable;
using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>
/// Reads queues.xml (already valid against queues.xsd) into <see cref="QueuesOptions"/>. Bad values become located
/// errors through the <see cref="ConfigReader"/>; the rules between elements are <see cref="ConfigValidator"/>'s.
/// </summary>
internal static class QueuesReader
{
    // The file uses the names Asterisk admins read easily (ring-all, offered-excluding-short-abandons); the enums
    // use C# names, so the mapping is spelled out rather than derived.
    private static readonly (string Text, QueueStrategy Value)[] Strategies =
    [
        ("ring-all", QueueStrategy.RingAll), ("longest-idle", QueueStrategy.LongestIdle), ("round-robin", QueueStrategy.RoundRobin),
        ("fewest-calls", QueueStrategy.FewestCalls), ("least-talk-time", QueueStrategy.LeastTalkTime), ("linear", QueueStrategy.Linear),
        ("random", QueueStrategy.Random), ("skills-based", QueueStrategy.SkillsBased),
    ];

    private static readonly (string Text, ServiceLevelFormula Value)[] Formulas =
    [
        ("answered", ServiceLevelFormula.Answered), ("offered", ServiceLevelFormula.Offered),
        ("offered-excluding-short-abandons", ServiceLevelFormula.OfferedExcludingShortAbandons),
        ("short-abandons-met", ServiceLevelFormula.ShortAbandonsMet),
    ];

    // joinWhenEmpty="yes" means "may join an empty queue"; leaveWhenEmpty="yes" means "leave an empty queue".
    private static readonly (string Text, QueueEmptyRule Value)[] JoinRules =
        [("yes", QueueEmptyRule.Never), ("no", QueueEmptyRule.NoAgentsLoggedIn), ("strict", QueueEmptyRule.NoAgentsReady)];

    private static readonly (string Text, QueueEmptyRule Value)[] LeaveRules =
        [("no", QueueEmptyRule.Never), ("yes", QueueEmptyRule.NoAgentsLoggedIn), ("strict", QueueEmptyRule.NoAgentsReady)];

    private static readonly (string Text, OverflowAction Value)[] Actions =
    [
        ("queue", OverflowAction.Queue), ("extension", OverflowAction.Extension), ("voicemail", OverflowAction.Voicemail),
        ("hangup", OverflowAction.Hangup),
    ];

    public static QueuesOptions Read(ConfigReader r, XElement root)
    {
        var defaults = new QueuesOptions();
        var reasons = root.Elements("reason")
            .Select(reason => new NotReadyReasonOptions(
                r.RequiredString(reason, "code"),
                r.OptionalString(reason, "name") ?? r.OptionalString(reason, "code") ?? string.Empty,
                r.OptionalString(reason, "digit")?[0]))
            .ToImmutableArray();

        var noAnswer = root.Element("noAnswer") ?? new XElement("noAnswer");
        var policy = new NoAnswerPolicy
        {
            MaxMissedOffers = r.Int(noAnswer, "maxMissedOffers", defaults.NoAnswer.MaxMissedOffers, 0, 100),
            Reason = r.OptionalString(noAnswer, "reason") ?? defaults.NoAnswer.Reason,
        };

        // The built-in reason need not be listed; a reason the admin named must be (ConfigValidator says so).
        if (policy.Reason == QueuesOptions.DefaultNoAnswerReason && !reasons.Any(reason => reason.Code == policy.Reason))
        {
            reasons = reasons.Add(defaults.NotReadyReasons[0]);
        }

        return new QueuesOptions
        {
            Queues = [.. root.Elements("queue").Select(queue => ReadQueue(r, queue))],
            NotReadyReasons = reasons,
            NoAnswer = policy,
        };
    }

    private static QueueOptions ReadQueue(ConfigReader r, XElement queue)
    {
        var defaults = new QueueOptions { Name = string.Empty };
        var serviceLevel = queue.Element("serviceLevel") ?? new XElement("serviceLevel");
        var announce = queue.Element("announce") ?? new XElement("announce");
        return new QueueOptions
        {
            Name = r.RequiredString(queue, "name"),
            Number = r.OptionalString(queue, "number"),
            Strategy = r.Token(queue, "strategy", Strategies, defaults.Strategy),
            RingTimeout = r.Seconds(queue, "ringTimeout", defaults.RingTimeout, 1, 600),
            RetryDelay = r.Seconds(queue, "retryDelay", defaults.RetryDelay, 0, 86_400),
            MaxWait = r.Seconds(queue, "maxWait", defaults.MaxWait, 0, 86_400),
            MaxLength = r.Int(queue, "maxLength", defaults.MaxLength, 0, 100_000),
            JoinWhenEmpty = r.Token(queue, "joinWhenEmpty", JoinRules, defaults.JoinWhenEmpty),
            LeaveWhenEmpty = r.Token(queue, "leaveWhenEmpty", LeaveRules, defaults.LeaveWhenEmpty),
            OnMaxWait = Overflow(r, queue, "maxWait"),
            OnMaxLength = Overflow(r, queue, "maxLength"),
            ServiceLevelThreshold = r.Seconds(serviceLevel, "threshold", defaults.ServiceLevelThreshold, 1, 3_600),
            ServiceLevelFormula = r.Token(serviceLevel, "formula", Formulas, defaults.ServiceLevelFormula),
            Announce = new QueueAnnounceOptions
            {
                Position = r.Bool(announce, "position", defaults.Announce.Position),
                EstimatedWait = r.Bool(announce, "estimatedWait", defaults.Announce.EstimatedWait),
                Frequency = r.Seconds(announce, "frequency", defaults.Announce.Frequency, 0, 86_400),
                PeriodicPrompt = r.OptionalString(announce, "periodicPrompt"),
                PeriodicInterval = r.Seconds(announce, "periodicInterval", defaults.Announce.PeriodicInterval, 5, 3_600),
            },
            MusicOnHold = r.OptionalString(queue, "musicOnHold") ?? defaults.MusicOnHold,
            ExitDigit = r.OptionalString(queue, "exitDigit")?[0],
            CallbackDigit = r.OptionalString(queue, "callbackDigit")?[0],
            WrapUp = r.Seconds(queue, "wrapUp", defaults.WrapUp, 0, 86_400),
            MinProficiency = r.Int(queue, "minProficiency", defaults.MinProficiency, 1, 100),
            MaxPenalty = queue.Attribute("maxPenalty") is null ? null : r.Int(queue, "maxPenalty", 0, 0, 100),
            Relax = [.. queue.Elements("relax").Select(step => new QueueRelaxStep(
                r.Seconds(step, "after", TimeSpan.FromSeconds(1), 1, 86_400),
                step.Attribute("minProficiency") is null ? null : r.Int(step, "minProficiency", 1, 1, 100),
                step.Attribute("maxPenalty") is null ? null : r.Int(step, "maxPenalty", 0, 0, 100),
                r.Bool(step, "ignoreSkills", false)))],
            DefaultPriority = r.Int(queue, "priority", defaults.DefaultPriority, 0, 100),
            DefaultSkills = [.. queue.Elements("skill").Select(skill => new QueueSkillOptions(
                r.RequiredString(skill, "name"),
                skill.Attribute("proficiency") is null ? null : r.Int(skill, "proficiency", 1, 1, 100)))],
        };
    }

    // The validator insists on at most one <overflow> per threshold; reading takes the first.
    private static OverflowTarget? Overflow(ConfigReader r, XElement queue, string on)
    {
        var element = queue.Elements("overflow").FirstOrDefault(e => (string?)e.Attribute("on") == on);
        return element is null
            ? null
            : new OverflowTarget(
                r.Token(element, "action", Actions, OverflowAction.Hangup),
                r.OptionalString(element, "target"),
                r.OptionalString(element, "message"));
    }
}
