using CallCenter.Core.Storage.Cdr;
using CallCenter.Core.Telephony;

namespace CallCenter.Tests.Unit.Storage;

/// <summary>What an unanswered call is recorded as, from the final response it failed with.</summary>
public sealed class CdrDispositionTests
{
    [TestCase(486, "BUSY")]
    [TestCase(600, "BUSY")]
    [TestCase(480, "NO ANSWER")]
    [TestCase(404, "FAILED")]
    [TestCase(403, "FAILED")]
    [TestCase(603, "FAILED")]
    [TestCase(408, "FAILED")]
    [TestCase(503, "FAILED")]
    [TestCase(488, "FAILED")]
    public void AFailedInviteGetsAsterisksDispositionThroughItsCause(int status, string disposition)
    {
        Assert.That(Q850.TryFromSipStatus(status, out var cause), Is.True);
        Assert.That(CdrDispositions.ForUnansweredCause(cause).ToText(), Is.EqualTo(disposition));
    }

    [TestCase(Q850.NormalClearing, "NO ANSWER")]
    [TestCase(Q850.NoAnswer, "NO ANSWER")]
    [TestCase(Q850.NoCircuitAvailable, "CONGESTION")]
    [TestCase(Q850.SwitchingEquipmentCongestion, "CONGESTION")]
    [TestCase(Q850.NoRouteToDestination, "FAILED")]
    [TestCase(Q850.SubscriberAbsent, "FAILED")]
    public void CausesTheCallLayerPicksItself(int cause, string disposition)
    {
        Assert.That(CdrDispositions.ForUnansweredCause(cause).ToText(), Is.EqualTo(disposition));
    }

    [Test]
    public void EveryDispositionPartyAndEventTypeHasItsStoredWord()
    {
        Assert.That(
            Enum.GetValues<CdrDisposition>().Select(d => d.ToText()),
            Is.EqualTo(new[] { "ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION" }));
        Assert.That(Enum.GetValues<HangupParty>().Select(p => p.ToText()), Is.EqualTo(new[] { "caller", "callee", "system" }));
        Assert.That(Enum.GetValues<CelEventType>().Select(t => t.ToText()), Is.Unique.And.All.Match("^[A-Z_]+$"));
    }
}
