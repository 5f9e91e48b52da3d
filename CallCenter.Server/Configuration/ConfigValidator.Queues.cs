using System.Collections.Immutable;
using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>Rules for queues.xml, and for the agents' queue memberships and skills in extensions.xml.</summary>
internal static partial class ConfigValidator
{
    /// <param name="musicFolder">config/moh; its classes are checked only when it exists (an installation without
    /// any music plays comfort noise and says so in the log).</param>
    public static void ValidateQueues(ConfigReader r, XElement root, QueuesOptions values, ExtensionsOptions? extensions, string? musicFolder = null)
    {
        var queues = Zip(values.Queues, root.Elements("queue"));
        // The built-in no-answer reason may have been added after the listed ones; it has no element to point at.
        var listed = root.Elements("reason").ToList();
        var reasons = Zip(values.NotReadyReasons.Take(listed.Count).ToImmutableArray(), listed);
        QueueNamesUnique(r, queues);
        QueueNumbersUnique(r, queues, extensions);
        ReasonCodesAndDigitsUnique(r, reasons);
        NoAnswerReasonDefined(r, root.Element("noAnswer") ?? root, values);
        foreach (var (queue, element) in queues)
        {
            OneOverflowPerThreshold(r, element);
            OverflowTargetsExist(r, queue, element, values, extensions);
            RelaxStepsInOrder(r, queue, element);
            ExitAndCallbackDigitsDiffer(r, queue, element);
            DefaultSkillsOnce(r, queue, element);
            MusicClassExists(r, queue, element, musicFolder);
        }
    }

    /// <summary>The music class a queue names is a folder of config/moh with at least one WAV file: a typo would
    /// otherwise only show as callers waiting in silence.</summary>
    private static void MusicClassExists(ConfigReader r, QueueOptions queue, XElement element, string? musicFolder)
    {
        if (musicFolder is null || !Directory.Exists(musicFolder))
        {
            return;
        }

        var folder = Path.Combine(musicFolder, queue.MusicOnHold);
        if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.wav").Any())
        {
            return;
        }

        var classes = Directory.EnumerateDirectories(musicFolder)
            .Where(d => Directory.EnumerateFiles(d, "*.wav").Any())
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        var known = classes.Count == 0 ? "moh/ holds no class with WAV files" : "classes with WAV files: " + string.Join(", ", classes);
        r.Error(At(element, "musicOnHold"),
            $"Queue '{queue.Name}' plays music class '{queue.MusicOnHold}', but moh/{queue.MusicOnHold}/ holds no .wav file ({known}); add recordings there or name another class.");
    }

    /// <summary>A skill listed twice for a queue's direct callers would ask two proficiencies of one skill.</summary>
    private static void DefaultSkillsOnce(ConfigReader r, QueueOptions queue, XElement element)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (skill, child) in Zip(queue.DefaultSkills, element.Elements("skill")))
        {
            if (!seen.TryAdd(skill.Skill, child))
            {
                r.Error(At(child, "name"),
                    $"Queue '{queue.Name}' already asks for skill '{skill.Skill}' (at {Where(seen[skill.Skill])}); remove one of them.");
            }
        }
    }

    /// <summary>extensions.xml: every queue an agent names exists, once per agent; every skill once per agent.</summary>
    public static void ValidateAgentQueues(ConfigReader r, XElement root, ExtensionsOptions extensions, QueuesOptions queues)
    {
        foreach (var (agent, element) in Zip(extensions.Agents, root.Elements("agent")))
        {
            var seenQueues = new Dictionary<string, XElement>(StringComparer.Ordinal);
            foreach (var (membership, child) in Zip(agent.Queues, element.Elements("queue")))
            {
                if (!seenQueues.TryAdd(membership.Queue, child))
                {
                    r.Error(At(child, "name"),
                        $"Agent '{agent.Id}' already serves queue '{membership.Queue}' (at {Where(seenQueues[membership.Queue])}); remove one of them.");
                }
                else if (queues.FindQueue(membership.Queue) is null)
                {
                    var known = queues.Queues.IsEmpty ? "queues.xml defines no queues" : "known: " + string.Join(", ", queues.Queues.Select(q => q.Name));
                    r.Error(At(child, "name"),
                        $"Agent '{agent.Id}' serves queue '{membership.Queue}', which is not in queues.xml ({known}); add the queue there or correct the name.");
                }
            }

            var seenSkills = new Dictionary<string, XElement>(StringComparer.Ordinal);
            foreach (var (skill, child) in Zip(agent.Skills, element.Elements("skill")))
            {
                if (!seenSkills.TryAdd(skill.Name, child))
                {
                    r.Error(At(child, "name"),
                        $"Agent '{agent.Id}' lists skill '{skill.Name}' twice (first at {Where(seenSkills[skill.Name])}); keep one proficiency for it.");
                }
            }
        }
    }

    private static void QueueNamesUnique(ConfigReader r, IReadOnlyList<(QueueOptions Value, XElement Element)> queues)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (queue, element) in queues)
        {
            if (!seen.TryAdd(queue.Name, element))
            {
                r.Error(At(element, "name"),
                    $"Queue name '{queue.Name}' is already used by the queue at {Where(seen[queue.Name])}; rename one of them.");
            }
        }
    }

    // A dialled number must mean one thing: a queue number that is also an extension would make one of them
    // unreachable, and which one would depend on the order the call layer happens to look. Feature codes cannot
    // meet a queue number: the schemas make codes begin with * or # and numbers digits only.
    private static void QueueNumbersUnique(ConfigReader r, IReadOnlyList<(QueueOptions Value, XElement Element)> queues, ExtensionsOptions? extensions)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var (queue, element) in queues)
        {
            if (queue.Number is not { } number)
            {
                continue;
            }

            if (!seen.TryAdd(number, element))
            {
                r.Error(At(element, "number"),
                    $"Number {number} is already the number of queue '{(string?)seen[number].Attribute("name")}' at {Where(seen[number])}; give queue '{queue.Name}' another number.");
            }
            else if (extensions?.FindUser(number) is not null)
            {
                r.Error(At(element, "number"),
                    $"Number {number} of queue '{queue.Name}' is also the extension of a <user> in extensions.xml; give the queue a number no phone has.");
            }
        }
    }

    private static void ReasonCodesAndDigitsUnique(ConfigReader r, IReadOnlyList<(NotReadyReasonOptions Value, XElement Element)> reasons)
    {
        var codes = new Dictionary<string, XElement>(StringComparer.Ordinal);
        var digits = new Dictionary<char, XElement>();
        foreach (var (reason, element) in reasons)
        {
            if (!codes.TryAdd(reason.Code, element))
            {
                r.Error(At(element, "code"), $"Reason code '{reason.Code}' is already defined at {Where(codes[reason.Code])}; remove one of them.");
            }

            if (reason.Digit is { } digit && !digits.TryAdd(digit, element))
            {
                r.Error(At(element, "digit"),
                    $"Digit {digit} already chooses reason '{(string?)digits[digit].Attribute("code")}' at {Where(digits[digit])}; give this reason another digit.");
            }
        }
    }

    private static void NoAnswerReasonDefined(ConfigReader r, XElement element, QueuesOptions values)
    {
        if (values.NoAnswer.MaxMissedOffers == 0 || values.NotReadyReasons.Any(reason => reason.Code == values.NoAnswer.Reason))
        {
            return;
        }

        r.Error(At(element, "reason"),
            $"Agents who miss {values.NoAnswer.MaxMissedOffers} offers are set not ready with reason '{values.NoAnswer.Reason}', but no <reason code=\"{values.NoAnswer.Reason}\" /> " +
            "defines it; add that reason, name another with <noAnswer reason=\"...\" />, or switch the rule off with maxMissedOffers=\"0\".");
    }

    private static void OneOverflowPerThreshold(ConfigReader r, XElement queue)
    {
        var seen = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var overflow in queue.Elements("overflow"))
        {
            var on = (string?)overflow.Attribute("on") ?? string.Empty;
            if (!seen.TryAdd(on, overflow))
            {
                r.Error(At(overflow, "on"), $"Queue '{(string?)queue.Attribute("name")}' already has an overflow on {on} at {Where(seen[on])}; keep one of them.");
            }
        }
    }

    private static void OverflowTargetsExist(ConfigReader r, QueueOptions queue, XElement element, QueuesOptions values, ExtensionsOptions? extensions)
    {
        foreach (var overflow in element.Elements("overflow"))
        {
            var on = (string?)overflow.Attribute("on");
            var target = on == "maxWait" ? queue.OnMaxWait : queue.OnMaxLength;
            if (target is null || overflow != element.Elements("overflow").First(e => (string?)e.Attribute("on") == on))
            {
                continue;
            }

            switch (target.Action)
            {
                case OverflowAction.Hangup when target.Target is not null:
                    r.Error(At(overflow, "target"), "An overflow that hangs up has no target; remove target=\"...\" (message=\"...\" names what is played first).");
                    break;
                case OverflowAction.Hangup:
                    break;
                case var _ when target.Target is null:
                    r.Error(overflow, $"An overflow to {target.Action.ToString().ToLowerInvariant()} needs target=\"...\".");
                    break;
                case OverflowAction.Queue when target.Target == queue.Name:
                    r.Error(At(overflow, "target"), $"Queue '{queue.Name}' cannot overflow into itself; name another queue or another action.");
                    break;
                case OverflowAction.Queue when values.FindQueue(target.Target) is null:
                    r.Error(At(overflow, "target"),
                        $"Queue '{queue.Name}' overflows into queue '{target.Target}', which is not defined; add <queue name=\"{target.Target}\"> or correct the target.");
                    break;
                case OverflowAction.Extension or OverflowAction.Voicemail when extensions is not null && extensions.FindUser(target.Target) is null:
                    r.Error(At(overflow, "target"),
                        $"Queue '{queue.Name}' overflows to extension {target.Target}, but no <user> in extensions.xml has it; add the user or correct the target.");
                    break;
            }
        }
    }

    // Steps are read as "from this wait on"; out of order, a later step would silently hide an earlier one.
    private static void RelaxStepsInOrder(ConfigReader r, QueueOptions queue, XElement element)
    {
        var steps = Zip(queue.Relax, element.Elements("relax"));
        for (var i = 1; i < steps.Length; i++)
        {
            if (steps[i].Value.After <= steps[i - 1].Value.After)
            {
                r.Error(At(steps[i].Element, "after"),
                    $"Relax steps must wait longer one after the other; this one (after {steps[i].Value.After.TotalSeconds:0} s) does not come after " +
                    $"the step at {Where(steps[i - 1].Element)} (after {steps[i - 1].Value.After.TotalSeconds:0} s).");
            }
        }
    }

    private static void ExitAndCallbackDigitsDiffer(ConfigReader r, QueueOptions queue, XElement element)
    {
        if (queue.ExitDigit is { } exit && exit == queue.CallbackDigit)
        {
            r.Error(At(element, "callbackDigit"),
                $"Queue '{queue.Name}' uses {exit} both to leave the queue and to ask for a callback; give callbackDigit another key.");
        }
    }
}
