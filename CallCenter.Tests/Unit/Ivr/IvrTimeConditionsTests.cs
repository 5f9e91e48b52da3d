using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>Opening hours across weekdays, holidays, time zones and DST changes, as instants in UTC.</summary>
public sealed class IvrTimeConditionsTests
{
    private static IvrTimeConditionNode Node(string zone, IvrOpeningHours[] hours, params DateOnly[] holidays) =>
        new("hours", TimeZoneInfo.FindSystemTimeZoneById(zone), [.. hours], [.. holidays], "open", "closed", "holiday");

    private static IvrOpeningHours[] Weekdays(int fromHour, int fromMinute, int toHour, int toMinute) =>
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => new IvrOpeningHours(d, new TimeSpan(fromHour, fromMinute, 0), new TimeSpan(toHour, toMinute, 0)))];

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    private static readonly IvrTimeConditionNode Berlin = Node("Europe/Berlin", Weekdays(8, 0, 18, 0), new DateOnly(2026, 12, 24));

    // 2026-01-07 is a Wednesday; Berlin is UTC+1 in winter.
    [TestCase(2026, 1, 7, 6, 59, 59, IvrTimeBranch.Closed, TestName = "Berlin winter: 07:59:59 local is before opening")]
    [TestCase(2026, 1, 7, 7, 0, 0, IvrTimeBranch.Open, TestName = "Berlin winter: 08:00 local opens (from is inclusive)")]
    [TestCase(2026, 1, 7, 16, 59, 59, IvrTimeBranch.Open, TestName = "Berlin winter: 17:59:59 local is still open")]
    [TestCase(2026, 1, 7, 17, 0, 0, IvrTimeBranch.Closed, TestName = "Berlin winter: 18:00 local closes (to is exclusive)")]
    [TestCase(2026, 1, 10, 10, 0, 0, IvrTimeBranch.Closed, TestName = "Berlin: Saturday has no hours")]
    [TestCase(2026, 12, 24, 10, 0, 0, IvrTimeBranch.Holiday, TestName = "Berlin: a holiday on a weekday wins over the hours")]
    [TestCase(2026, 12, 23, 23, 0, 0, IvrTimeBranch.Holiday, TestName = "Berlin: the holiday starts at local midnight, 23:00 UTC the day before")]
    [TestCase(2026, 12, 23, 22, 59, 59, IvrTimeBranch.Closed, TestName = "Berlin: one second before local midnight is the evening before")]
    public void BerlinBoundaries(int year, int month, int day, int hour, int minute, int second, IvrTimeBranch expected) =>
        Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(year, month, day, hour, minute, second)), Is.EqualTo(expected));

    [Test]
    public void TheSpringDstChangeMovesOpeningByAnHourInUtc()
    {
        // Berlin goes to summer time on Sunday 2026-03-29. Friday 27th opens at 07:00 UTC, Monday 30th at 06:00 UTC.
        Assert.Multiple(() =>
        {
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 3, 27, 6, 30)), Is.EqualTo(IvrTimeBranch.Closed), "07:30 CET");
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 3, 27, 7, 0)), Is.EqualTo(IvrTimeBranch.Open), "08:00 CET");
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 3, 30, 5, 59)), Is.EqualTo(IvrTimeBranch.Closed), "07:59 CEST");
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 3, 30, 6, 30)), Is.EqualTo(IvrTimeBranch.Open), "08:30 CEST");
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 3, 30, 16, 0)), Is.EqualTo(IvrTimeBranch.Closed), "18:00 CEST");
        });
    }

    [Test]
    public void TheAutumnDstChangeMovesClosingBackInUtc()
    {
        // Summer time ends on Sunday 2026-10-25: Friday 23rd closes at 16:00 UTC, Monday 26th at 17:00 UTC.
        Assert.Multiple(() =>
        {
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 10, 23, 16, 30)), Is.EqualTo(IvrTimeBranch.Closed), "18:30 CEST");
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 10, 26, 16, 30)), Is.EqualTo(IvrTimeBranch.Open), "17:30 CET");
        });
    }

    [Test]
    public void ShanghaiHasNoDstAndItsDayStartsEightHoursBeforeUtc()
    {
        var shanghai = Node("Asia/Shanghai", Weekdays(9, 0, 17, 30), new DateOnly(2026, 10, 1));
        Assert.Multiple(() =>
        {
            // Tuesday 2026-03-31 (after Europe's change, China unchanged at UTC+8).
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 3, 31, 0, 59)), Is.EqualTo(IvrTimeBranch.Closed), "08:59 CST");
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 3, 31, 1, 0)), Is.EqualTo(IvrTimeBranch.Open), "09:00 CST");
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 3, 31, 9, 29)), Is.EqualTo(IvrTimeBranch.Open), "17:29 CST");
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 3, 31, 9, 30)), Is.EqualTo(IvrTimeBranch.Closed), "17:30 CST");

            // Sunday 2026-04-05 at 20:00 UTC is Monday 04:00 in Shanghai: a weekday, but before opening.
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 4, 5, 20, 0)), Is.EqualTo(IvrTimeBranch.Closed));

            // Monday 09:30 Shanghai is Monday 01:30 UTC; the same instant is still Sunday evening in Berlin.
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 4, 6, 1, 30)), Is.EqualTo(IvrTimeBranch.Open));
            Assert.That(IvrTimeConditions.Evaluate(Berlin, Utc(2026, 4, 6, 1, 30)), Is.EqualTo(IvrTimeBranch.Closed));

            // National Day starts at 16:00 UTC on 30 September.
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 9, 30, 15, 59)), Is.EqualTo(IvrTimeBranch.Closed));
            Assert.That(IvrTimeConditions.Evaluate(shanghai, Utc(2026, 9, 30, 16, 0)), Is.EqualTo(IvrTimeBranch.Holiday));
        });
    }

    [Test]
    public void HoursUpTo2400CoverTheLastMinuteOfTheDay()
    {
        var late = Node("UTC", [new IvrOpeningHours(DayOfWeek.Friday, TimeSpan.FromHours(20), TimeSpan.FromHours(24))]);
        Assert.Multiple(() =>
        {
            Assert.That(IvrTimeConditions.Evaluate(late, Utc(2026, 1, 9, 23, 59, 59)), Is.EqualTo(IvrTimeBranch.Open));
            Assert.That(IvrTimeConditions.Evaluate(late, Utc(2026, 1, 10, 0, 0)), Is.EqualTo(IvrTimeBranch.Closed), "Saturday");
        });
    }
}
