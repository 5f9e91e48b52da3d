using CallCenter.Core.Configuration;

namespace CallCenter.Core.Ivr;

/// <summary>
/// Which branch a time condition takes at an instant: a pure function of the node and the UTC instant, so it is tested
/// with any clock. The instant is converted to the node's zone first; the zone's rules (tzdata) decide DST, so "08:00"
/// stays 08:00 local across the change while its UTC instant moves by an hour.
/// </summary>
public static class IvrTimeConditions
{
    public static IvrTimeBranch Evaluate(IvrTimeConditionNode node, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(node);
        var local = TimeZoneInfo.ConvertTime(now, node.TimeZone);
        if (node.Holidays.Contains(DateOnly.FromDateTime(local.DateTime)))
        {
            return IvrTimeBranch.Holiday;
        }

        var time = local.TimeOfDay;
        foreach (var hours in node.Hours)
        {
            // From inclusive, To exclusive: 08:00-18:00 is open at 08:00:00 and closed at 18:00:00.
            if (hours.Day == local.DayOfWeek && time >= hours.From && time < hours.To)
            {
                return IvrTimeBranch.Open;
            }
        }

        return IvrTimeBranch.Closed;
    }
}
