using System.Collections.Immutable;
using CallCenter.Core.Ivr;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>The session's side of a data dip, with a dip the test answers by hand: ids, timeouts, cancellation, type-ahead.</summary>
public sealed class IvrSessionDipTests
{
    private const string Flow = """
        <flow name="main">
          <dataDip id="dip" url="http://crm.test/lookup" timeoutMs="2000" ok="ok" failed="failed" timedOut="late">
            <send variable="called" />
            <send variable="unset" />
            <map field="tier" variable="tier" />
          </dataDip>
          <menu id="ok" prompts="menu" fallback="failed">
            <choice digit="1" next="failed" />
          </menu>
          <extension id="failed" number="2000" />
          <hangup id="late" />
        </flow>
        """;

    private static IvrDipResult Tier(string tier) => IvrDipResult.Ok(ImmutableDictionary<string, string>.Empty.Add("tier", tier));

    [Test]
    public void TheRequestCarriesTheCallerAndTheChosenVariablesThatAreSet()
    {
        using var bed = new IvrTestBed(Flow).Start();

        var request = bed.Dip.Requests.Single();
        Assert.That(request.Parameters, Is.EqualTo(new KeyValuePair<string, string>[] { new("caller", "+4915112345678"), new("called", "800") }));
        Assert.That(request.Fields, Is.EqualTo(new[] { "tier" }));
        Assert.That(request.Url, Is.EqualTo(new Uri("http://crm.test/lookup")));
    }

    [Test]
    public void AnAnswerBeforeTheTimeoutTakesOkAndAKeyPressedMeanwhileAnswersTheMenu()
    {
        using var bed = new IvrTestBed(Flow).Start();
        bed.Press("1");
        bed.Advance(1.9);

        bed.Dip.Answer(Tier("gold"));

        Assert.That(bed.Session.Variables["tier"], Is.EqualTo("gold"));
        Assert.That(bed.Commands, Is.EqualTo(new[] { "extension 2000" }), "the key typed during the dip chose 1 in the menu");
    }

    [Test]
    public void TheTimeoutTakesTimedOutCancelsTheRequestAndALateAnswerIsIgnored()
    {
        using var bed = new IvrTestBed(Flow).Start();

        bed.Advance(2);
        Assert.That(bed.Commands, Is.EqualTo(new[] { "hangup FlowEnded" }));
        Assert.That(bed.Dip.LastToken.IsCancellationRequested, Is.True);

        bed.Dip.Answer(Tier("gold"));
        Assert.That(bed.Session.Variables.ContainsKey("tier"), Is.False);
        Assert.That(bed.Commands, Has.Count.EqualTo(1));
    }

    [Test]
    public void AFailureTakesTheFailedBranch()
    {
        using var bed = new IvrTestBed(Flow).Start();
        bed.Dip.Answer(IvrDipResult.Failed("HTTP 500"));

        Assert.That(bed.Commands, Is.EqualTo(new[] { "extension 2000" }));
        bed.Advance(10);
        Assert.That(bed.Commands, Has.Count.EqualTo(1), "the dip's timeout was disarmed");
    }

    [Test]
    public void ADipThatAnswersAtOnceDoesNotReenterTheSession()
    {
        using var bed = new IvrTestBed(Flow);
        bed.Dip.Immediate = Tier("silver");

        bed.Start();

        Assert.That(bed.Session.NodeId, Is.EqualTo("ok"));
        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu" }));
        Assert.That(bed.Session.Variables["tier"], Is.EqualTo("silver"));
    }

    [Test]
    public void TheCallerHangingUpCancelsTheDip()
    {
        using var bed = new IvrTestBed(Flow).Start();
        bed.Session.CallerHungUp();

        Assert.That(bed.Dip.LastToken.IsCancellationRequested, Is.True);
        bed.Advance(5);
        Assert.That(bed.Commands, Is.Empty);
    }

    [Test]
    public void KeysTypedAheadAreBoundedAndTheRestIsDropped()
    {
        using var bed = new IvrTestBed("""
            <flow name="main">
              <dataDip id="dip" url="http://crm.test/lookup" ok="pin" failed="pin" />
              <collect id="pin" prompts="digit-1" variable="pin" maxLength="32" next="menu" fallback="bye" />
              <menu id="menu" prompts="menu" fallback="bye">
                <choice digit="2" next="bye" />
              </menu>
              <hangup id="bye" />
            </flow>
            """).Start();
        bed.Press(new string('1', IvrSession.TypeAheadCapacity) + "22222222");

        bed.Dip.Answer(IvrDipResult.Failed("HTTP 500"));

        Assert.That(bed.Session.Variables["pin"], Is.EqualTo(new string('1', IvrSession.TypeAheadCapacity)));
        Assert.That(bed.Commands, Is.EqualTo(new[] { "play menu" }), "the keys beyond the type-ahead's capacity were dropped, none is left for the menu");
    }
}
