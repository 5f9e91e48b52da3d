using System.Collections.Immutable;
using System.Globalization;
using System.Xml.Linq;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Configuration;

/// <summary>
/// Reads ivr.xml (already valid against ivr.xsd) into <see cref="IvrOptions"/>. Values a schema cannot judge (time
/// zones, URLs, hours that end before they start) become located errors here; the rules between nodes and flows are
/// <see cref="ConfigValidator"/>'s. Every child element of a flow is a node, read in document order.
/// </summary>
internal static class IvrReader
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static IvrOptions Read(ConfigReader r, XElement root) => new()
    {
        Routes = [.. root.Elements("route").Select(route => new IvrRoute(r.RequiredString(route, "number"), r.RequiredString(route, "flow")))],
        Flows = [.. root.Elements("flow").Select(flow => ReadFlow(r, flow))],
        MaxStepsWithoutInput = r.Int(root, "maxSteps", IvrOptions.DefaultMaxStepsWithoutInput, 8, 1_000),
    };

    private static IvrFlow ReadFlow(ConfigReader r, XElement flow)
    {
        var nodes = flow.Elements().Select(node => ReadNode(r, node)).ToImmutableArray();
        return new IvrFlow
        {
            Name = r.RequiredString(flow, "name"),
            Start = r.OptionalString(flow, "start") ?? (nodes.IsEmpty ? string.Empty : nodes[0].Id),
            Language = r.OptionalString(flow, "language") ?? "en",
            Nodes = nodes,
        };
    }

    private static IvrNode ReadNode(ConfigReader r, XElement e)
    {
        var id = r.RequiredString(e, "id");
        return e.Name.LocalName switch
        {
            "play" => new IvrPlayNode(id, Prompts(r, e, "prompts"), r.Bool(e, "interruptible", false), r.RequiredString(e, "next")),
            "menu" => new IvrMenuNode(
                id,
                Prompts(r, e, "prompts"),
                [.. e.Elements("choice").Select(c => new IvrMenuChoice(r.RequiredString(c, "digit")[0], r.RequiredString(c, "next")))],
                r.Seconds(e, "timeout", TimeSpan.FromSeconds(5), 1, 300),
                r.Int(e, "retries", 2, 0, 10),
                Prompts(r, e, "invalidPrompts"),
                Prompts(r, e, "timeoutPrompts"),
                r.RequiredString(e, "fallback")),
            "collect" => new IvrCollectNode(
                id,
                Prompts(r, e, "prompts"),
                r.RequiredString(e, "variable"),
                r.Int(e, "minLength", 1, 1, 32),
                r.Int(e, "maxLength", 16, 1, 32),
                r.OptionalString(e, "terminator")?[0],
                r.Seconds(e, "firstDigitTimeout", TimeSpan.FromSeconds(10), 1, 300),
                r.Seconds(e, "interDigitTimeout", TimeSpan.FromSeconds(5), 1, 300),
                r.Int(e, "retries", 2, 0, 10),
                Prompts(r, e, "invalidPrompts"),
                Prompts(r, e, "timeoutPrompts"),
                r.RequiredString(e, "next"),
                r.RequiredString(e, "fallback")),
            "timeCondition" => ReadTimeCondition(r, e, id),
            "setVariable" => new IvrSetVariableNode(id, r.RequiredString(e, "name"), e.Attribute("value")?.Value ?? string.Empty, r.RequiredString(e, "next")),
            "setPriority" => new IvrSetPriorityNode(
                id,
                e.Attribute("value") is null ? null : r.Int(e, "value", 0, 0, 100),
                r.OptionalString(e, "variable"),
                r.RequiredString(e, "next")),
            "setSkills" => new IvrSetSkillsNode(
                id,
                [.. e.Elements("skill").Select(s => new IvrSkillRequirement(
                    r.RequiredString(s, "name"),
                    s.Attribute("proficiency") is null ? null : r.Int(s, "proficiency", 1, 1, 100)))],
                r.RequiredString(e, "next")),
            "queue" => new IvrQueueNode(id, r.RequiredString(e, "name")),
            "extension" => new IvrExtensionNode(id, r.RequiredString(e, "number")),
            "goToFlow" => new IvrGoToFlowNode(id, r.RequiredString(e, "flow")),
            "hangup" => new IvrHangupNode(id),
            "dataDip" => ReadDataDip(r, e, id),
            _ => throw new InvalidOperationException($"ivr.xsd allowed an unknown node <{e.Name.LocalName}>."),
        };
    }

    private static ImmutableArray<string> Prompts(ConfigReader r, XElement e, string name) =>
        r.OptionalString(e, name) is { } text ? [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)] : [];

    private static IvrTimeConditionNode ReadTimeCondition(ConfigReader r, XElement e, string id)
    {
        var zoneAttribute = e.Attribute("timeZone");
        var zoneId = r.RequiredString(e, "timeZone");
        var zone = TimeZoneInfo.Utc;
        // Windows ids resolve too on a system with ICU, but only an IANA id means the same on every install.
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found) || !found.HasIanaId)
        {
            r.Error(zoneAttribute ?? (XObject)e,
                $"'timeZone' is '{zoneId}', which is not an IANA time zone this system knows; use an id such as Europe/Berlin or Asia/Shanghai " +
                "(the list is under /usr/share/zoneinfo, Debian package tzdata).");
        }
        else
        {
            zone = found;
        }

        var hours = ImmutableArray.CreateBuilder<IvrOpeningHours>();
        foreach (var element in e.Elements("hours"))
        {
            var from = Clock(r.RequiredString(element, "from"));
            var to = Clock(r.RequiredString(element, "to"));
            if (from >= to)
            {
                r.Error(element.Attribute("to"),
                    $"Opening hours must end after they start ({element.Attribute("from")?.Value} to {element.Attribute("to")?.Value}); " +
                    "for hours across midnight write two <hours>, one up to 24:00 and one from 00:00 on the next day.");
                continue;
            }

            foreach (var day in Days(r.RequiredString(element, "days")))
            {
                hours.Add(new IvrOpeningHours(day, from, to));
            }
        }

        var holidays = e.Elements("holiday")
            .Select(h => DateOnly.ParseExact(r.RequiredString(h, "date"), "yyyy-MM-dd", CultureInfo.InvariantCulture))
            .ToImmutableArray();
        var closed = r.RequiredString(e, "closed");
        return new IvrTimeConditionNode(id, zone, hours.ToImmutable(), holidays, r.RequiredString(e, "open"), closed, r.OptionalString(e, "holiday") ?? closed);
    }

    // The schema guarantees HH:MM with 24:00 as the only hour 24.
    private static TimeSpan Clock(string text) =>
        new(int.Parse(text.AsSpan(0, 2), CultureInfo.InvariantCulture), int.Parse(text.AsSpan(3, 2), CultureInfo.InvariantCulture), 0);

    // "mon-fri,sun"; a range may wrap over the weekend ("fri-mon").
    private static IEnumerable<DayOfWeek> Days(string text)
    {
        foreach (var part in text.Split(','))
        {
            var ends = part.Split('-');
            var first = Array.IndexOf(DayNames, ends[0]);
            var last = ends.Length > 1 ? Array.IndexOf(DayNames, ends[1]) : first;
            for (var day = first; ; day = (day + 1) % 7)
            {
                yield return (DayOfWeek)day;
                if (day == last)
                {
                    break;
                }
            }
        }
    }

    private static IvrDataDipNode ReadDataDip(ConfigReader r, XElement e, string id)
    {
        var text = r.RequiredString(e, "url");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.Host.Length == 0 || url.Fragment.Length > 0)
        {
            r.Error(e.Attribute("url"), $"'url' must be an absolute http:// or https:// address without a #fragment, such as http://crm.example/lookup; '{text}' is not.");
            url = new Uri("http://invalid.invalid/");
        }

        var failed = r.RequiredString(e, "failed");
        return new IvrDataDipNode(
            id,
            url,
            (string?)e.Attribute("method") == "POST" ? IvrDipMethod.Post : IvrDipMethod.Get,
            [.. e.Elements("send").Select(s => r.RequiredString(s, "variable"))],
            [.. e.Elements("map").Select(m => new IvrDipField(r.RequiredString(m, "field"), r.RequiredString(m, "variable")))],
            r.Milliseconds(e, "timeoutMs", TimeSpan.FromSeconds(2), 100, 30_000),
            r.RequiredString(e, "ok"),
            failed,
            r.OptionalString(e, "timedOut") ?? failed);
    }
}
