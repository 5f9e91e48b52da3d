using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>Do-not-disturb and the three forwards from extensions.xml, applied by the B2BUA: 1000 calls 1001,
/// whose phones are 192.0.2.11 and .12; 1002's phone is 192.0.2.21.</summary>
public sealed class CallForwardingTests
{
    private const string Bob = "192.0.2.11";
    private const string Reception = "192.0.2.21";

    private static CallHarness Harness(Func<UserOptions, UserOptions> bob, Func<UserOptions, UserOptions>? reception = null, bool bobRegistered = true)
    {
        var options = CallHarness.WithUser(CallHarness.Options("1000", "1001", "1002"), "1001", bob);
        options = CallHarness.WithUser(options, "1002", reception ?? (u => u));
        var harness = new CallHarness(options);
        if (bobRegistered)
        {
            harness.Register("1001", 2);
        }

        harness.Register("1002", 1, hostBase: 20);
        return harness;
    }

    [Test]
    public async Task DoNotDisturbGivesTheCallerBusyWithoutRingingAPhone()
    {
        await using var harness = Harness(u => u with { DoNotDisturb = true });

        var caller = harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller gets a final answer");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(486));
        Assert.That(harness.Invites.Sent, Is.Empty);
        await harness.IdleAsync();
    }

    [Test]
    public async Task DoNotDisturbWithForwardBusySendsTheCallThereAndTheCallerHears181()
    {
        await using var harness = Harness(u => u with { DoNotDisturb = true, ForwardBusy = "1002" });

        var caller = harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => harness.Invites.To(Reception).Count == 1, "reception is rung");
        Assert.That(harness.Invites.To(Bob), Is.Empty);
        harness.Invites.To(Reception)[0].Answer();
        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller is answered");
        Assert.That(caller.Responses.Select(r => r.StatusCode), Is.EqualTo(new[] { 181, 200 }));
        Assert.That(caller.Responses[0].ReasonPhrase, Is.EqualTo("Call Is Being Forwarded"));
    }

    [Test]
    public async Task ForwardAlwaysGoesToTheTargetEvenWhenTheUserHasNoPhone()
    {
        await using var harness = Harness(u => u with { ForwardAlways = "1002", DoNotDisturb = true }, bobRegistered: false);

        var caller = harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => harness.Invites.To(Reception).Count == 1, "reception is rung");
        Assert.That(harness.Invites.Sent, Has.Count.EqualTo(1), "forward-always comes before do-not-disturb");
        Assert.That(caller.HasFinalResponse, Is.False);
    }

    [Test]
    public async Task ForwardBusyTakesTheCallWhenEveryPhoneIsBusy()
    {
        await using var harness = Harness(u => u with { ForwardBusy = "1002" });

        var caller = harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => harness.Invites.Sent.Count == 2, "both of Bob's phones are rung");
        harness.Invites.To(Bob).Single().Fail(486);
        harness.Invites.To("192.0.2.12").Single().Fail(486);

        await CallHarness.UntilAsync(() => harness.Invites.To(Reception).Count == 1, "reception is rung");
        Assert.That(caller.Responses.Select(r => r.StatusCode), Is.EqualTo(new[] { 181 }));
    }

    [Test]
    public async Task ForwardBusyTakesTheCallWhenTheUserIsAtItsCallLimit()
    {
        await using var harness = Harness(u => u with { CallLimit = 1, ForwardBusy = "1002" });
        Assert.That(harness.Manager.TryTakeSlot("1001", 1), Is.True, "1001 is on another call");

        harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => harness.Invites.To(Reception).Count == 1, "reception is rung");
        Assert.That(harness.Invites.To(Bob), Is.Empty);
    }

    [Test]
    public async Task ForwardNoAnswerCancelsThePhonesAfterTheUsersOwnTimeoutAndRingsTheTarget()
    {
        await using var harness = Harness(u => u with { ForwardNoAnswer = "1002", NoAnswerTimeout = TimeSpan.FromSeconds(10) });
        var caller = harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => harness.Invites.Sent.Count == 2, "both of Bob's phones are rung");
        var bobs = harness.Invites.Sent.ToArray();
        bobs[0].Provisional(180);

        harness.Time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        Assert.That(harness.Invites.To(Reception), Is.Empty);
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        await CallHarness.UntilAsync(() => harness.Invites.To(Reception).Count == 1, "reception is rung");
        Assert.That(bobs.All(b => b.Cancelled), Is.True);
        Assert.That(caller.Responses.Select(r => r.StatusCode), Is.EqualTo(new[] { 180, 181 }));

        // Bob's phones' 487s come after the forward and change nothing; reception's ring time is calls/@ringTimeout.
        bobs[0].Fail(487);
        bobs[1].Fail(487);
        harness.Invites.To(Reception)[0].Provisional(180);
        harness.Time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.That(caller.HasFinalResponse, Is.False);
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller gets a final answer");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(480));
    }

    [Test]
    public async Task ForwardNoAnswerAlsoCoversAUserWithNoPhoneRegistered()
    {
        await using var harness = Harness(u => u with { ForwardNoAnswer = "1002" }, bobRegistered: false);

        harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => harness.Invites.To(Reception).Count == 1, "reception is rung");
    }

    [Test]
    public async Task RulesThatLoopEndWith482AfterFiveForwards()
    {
        await using var harness = Harness(u => u with { ForwardAlways = "1002" }, u => u with { ForwardAlways = "1001" });

        var caller = harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => caller.HasFinalResponse, "the caller gets a final answer");
        Assert.That(caller.Final.StatusCode, Is.EqualTo(482));
        Assert.That(caller.Responses.Count(r => r.StatusCode == 181), Is.EqualTo(Call.MaxForwardHops));
        Assert.That(harness.Invites.Sent, Is.Empty);
        await harness.IdleAsync();
    }
}
