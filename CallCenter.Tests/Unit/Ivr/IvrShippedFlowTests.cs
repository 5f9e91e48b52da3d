using System.Collections.Immutable;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Ivr;
using CallCenter.Server.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>The example config/ivr.xml run as a caller would meet it: the bank hotline by day, at night, on a holiday,
/// with the CRM down and with a VIP the CRM knows.</summary>
public sealed class IvrShippedFlowTests
{
    private static readonly Lazy<IvrOptions> s_shipped = new(() =>
    {
        var result = ConfigurationLoader.Load(TempConfig.ShippedFolder);
        Assert.That(result.Errors, Is.Empty, () => string.Join("\n", result.Errors));
        return result.Options!.Ivr;
    });

    private sealed class Call : IDisposable
    {
        public Call(string called, DateTimeOffset at)
        {
            Time = new FakeTimeProvider(at);
            var options = s_shipped.Value;
            Session = new IvrSession(options, options.FlowForNumber(called)!, new IvrCall("c1", "+4915112345678", called), Control, Dip, Time,
                new ListLogger<IvrSession>(), action => action());
            Session.Start();
        }

        public FakeTimeProvider Time { get; }
        public RecordingIvrCallControl Control { get; } = new();
        public FakeDataDip Dip { get; } = new();
        public IvrSession Session { get; }

        public void Finish() => Session.PromptFinished(Control.LastPlaybackId);

        public void Dispose() => Session.Dispose();
    }

    // Monday 2026-06-15, 10:00 in Berlin (UTC+2 in summer).
    private static readonly DateTimeOffset MondayMorning = new(2026, 6, 15, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void ByDayWithTheCrmDownTheCallerReachesSupportWithItsSkills()
    {
        using var call = new Call("800", MondayMorning);
        call.Finish();
        call.Finish();
        Assert.That(call.Session.NodeId, Is.EqualTo("vip-lookup"));

        call.Dip.Answer(IvrDipResult.Failed("request failed: ConnectionError"));
        call.Finish();
        call.Session.DigitReceived('2');

        Assert.That(call.Control.Commands, Is.EqualTo(new[] { "play welcome", "play recorded !", "play menu", "queue support" }));
        Assert.That(call.Control.Queue!.Priority, Is.Null, "no VIP: the queue's default priority applies");
        Assert.That(call.Control.Queue.Skills, Is.EqualTo(new[] { new SkillRequirement("billing", 60), new SkillRequirement("lang.en") }));
    }

    [Test]
    public void AVipTheCrmKnowsGetsItsPriority()
    {
        using var call = new Call("+498912345600", MondayMorning);
        call.Session.DigitReceived('1');
        call.Finish();

        call.Dip.Answer(IvrDipResult.Ok(ImmutableDictionary<string, string>.Empty
            .Add("customer.priority", "50").Add("customer.segment", "private-banking")));

        Assert.That(call.Control.Last, Is.EqualTo("queue sales"), "1 pressed during the welcome chose sales");
        Assert.That(call.Control.Queue!.Priority, Is.EqualTo(50));
        Assert.That(call.Control.Queue.Variables["segment"], Is.EqualTo("private-banking"));
    }

    [Test]
    public void ACallerWhoPressesNothingEndsAtTheOperator()
    {
        using var call = new Call("800", MondayMorning);
        call.Finish();
        call.Finish();
        call.Time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.That(call.Control.Last, Is.EqualTo("play menu"), "the CRM gave no answer in 1.5 s");

        for (var i = 0; i < 3; i++)
        {
            call.Finish();
            call.Time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.That(call.Control.Commands, Is.EqualTo(new[]
        {
            "play welcome", "play recorded !", "play menu", "play timeout+menu", "play timeout+menu", "extension 2000",
        }));
    }

    [TestCase(2026, 6, 14, 8, 0, TestName = "Sunday morning")]
    [TestCase(2026, 6, 15, 16, 0, TestName = "Monday 18:00 in Berlin")]
    [TestCase(2026, 12, 25, 9, 0, TestName = "Christmas Day at 10:00 in Berlin")]
    public void OutsideTheHoursTheCallerHearsGoodbye(int year, int month, int day, int hour, int minute)
    {
        using var call = new Call("800", new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero));
        call.Finish();
        call.Finish();
        call.Finish();

        Assert.That(call.Control.Commands, Is.EqualTo(new[] { "play welcome", "play recorded !", "play goodbye !", "hangup FlowEnded" }));
        Assert.That(call.Dip.Requests, Is.Empty);
    }

    [Test]
    public void TheShanghaiNumberSpeaksMandarinOnShanghaiHours()
    {
        // 09:30 on Monday in Shanghai is 01:30 UTC, still Sunday night in Berlin.
        using var call = new Call("+862112345600", new DateTimeOffset(2026, 6, 15, 1, 30, 0, TimeSpan.Zero));
        call.Finish();
        call.Finish();
        call.Session.DigitReceived('1');

        Assert.That(call.Control.Last, Is.EqualTo("queue sales"));
        Assert.That(call.Control.PlayedLanguages.Distinct(), Is.EqualTo(new[] { "cmn" }));
    }
}
