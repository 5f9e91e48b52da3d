using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using CallCenter.Tests.Support;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>Feature codes dialled from a phone: recognised, carried out for the caller, confirmed by a short
/// answered call, and applied to the calls that follow. 1001 dials the codes; 1000 then calls 1001.</summary>
public sealed class FeatureCodeTests
{
    private const string CallerPhone = "192.0.2.10";
    private CallHarness _harness = null!;

    [SetUp]
    public void SetUp()
    {
        _harness = new CallHarness(CallHarness.Options("1000", "1001", "1002"));
        _harness.Register("1001", 1);
        _harness.Register("1002", 1, hostBase: 20);
    }

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [TestCase("*78", FeatureAction.DndOn, null)]
    [TestCase("*79", FeatureAction.DndOff, null)]
    [TestCase("*76", FeatureAction.DndToggle, null)]
    [TestCase("*721002", FeatureAction.ForwardAlwaysOn, "1002")]
    [TestCase("*72", FeatureAction.ForwardAlwaysOn, "")]
    [TestCase("*73", FeatureAction.ForwardAlwaysOff, null)]
    [TestCase("*902000", FeatureAction.ForwardBusyOn, "2000")]
    [TestCase("*91", FeatureAction.ForwardBusyOff, null)]
    [TestCase("*521001", FeatureAction.ForwardNoAnswerOn, "1001")]
    [TestCase("*53", FeatureAction.ForwardNoAnswerOff, null)]
    public void FreePbxDefaultCodesAreRecognised(string dialled, object expected, string? argument)
    {
        Assert.That(FeatureCode.TryMatch(new FeatureCodesOptions(), dialled, out var action, out var rest), Is.True);
        Assert.That((action, rest), Is.EqualTo(((FeatureAction)expected, argument)));
    }

    [TestCase("1001")]
    [TestCase("*8")]
    [TestCase("**1001")]
    [TestCase("*7")]
    [TestCase("*780")]
    public void OtherNumbersAndThePickupCodesAreNotCallFeatureCodes(string dialled) =>
        Assert.That(FeatureCode.TryMatch(new FeatureCodesOptions(), dialled, out _, out _), Is.False);

    [Test]
    public void ConfiguredCodesReplaceTheDefaults()
    {
        var codes = new FeatureCodesOptions { DndOn = "#1", ForwardBusyOn = "#2" };

        Assert.That(FeatureCode.TryMatch(codes, "#1", out var dnd, out _) && dnd == FeatureAction.DndOn, Is.True);
        Assert.That(FeatureCode.TryMatch(codes, "#21002", out var busy, out var target) && busy == FeatureAction.ForwardBusyOn && target == "1002", Is.True);
        Assert.That(FeatureCode.TryMatch(codes, "*78", out _, out _), Is.False);
    }

    [Test]
    public async Task DndOnIsAnsweredThenHungUpAfterASecondAndCallersHearBusy()
    {
        var code = _harness.Dial("1001", "*78");

        await CallHarness.UntilAsync(() => code.HasFinalResponse, "the code is answered");
        Assert.That(code.Final.StatusCode, Is.EqualTo(200));
        Assert.That(code.Final.Body.IsEmpty, Is.False, "answered with SDP, as a phone expects");
        Assert.That(_harness.Manager.Features.Get("1001").DoNotDisturb, Is.True);
        _harness.Ack(code);
        await Task.Delay(50);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(900));
        await Task.Delay(50);
        Assert.That(_harness.Client.Byes(CallerPhone), Is.Empty, "not before the second is over");
        await CallHarness.UntilAsync(
            () =>
            {
                _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
                return _harness.Client.Byes(CallerPhone).Count == 1;
            },
            "the server hangs up");
        await _harness.IdleAsync();

        var call = _harness.Dial("1000", "1001");

        await CallHarness.UntilAsync(() => call.HasFinalResponse, "the caller gets a final answer");
        Assert.That(call.Final.StatusCode, Is.EqualTo(486));
        Assert.That(_harness.Invites.Sent, Is.Empty);
    }

    [Test]
    public async Task DndOffAndToggleChangeTheStateAgain()
    {
        await FeatureAsync("*78");
        await FeatureAsync("*79");
        Assert.That(_harness.Manager.FeaturesOf(User("1001")).DoNotDisturb, Is.False);
        await FeatureAsync("*76");
        Assert.That(_harness.Manager.FeaturesOf(User("1001")).DoNotDisturb, Is.True);
        await FeatureAsync("*76");
        Assert.That(_harness.Manager.FeaturesOf(User("1001")).DoNotDisturb, Is.False);

        _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.Sent.Count == 1, "1001's phone rings again");
    }

    [Test]
    public async Task ForwardAlwaysFromThePhoneSendsTheNextCallToTheTargetUntilSwitchedOff()
    {
        await FeatureAsync("*721002");

        _harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => _harness.Invites.To("192.0.2.21").Count == 1, "1002's phone rings");
        Assert.That(_harness.Invites.To("192.0.2.11"), Is.Empty);

        await FeatureAsync("*73");
        Assert.That(_harness.Manager.FeaturesOf(User("1001")).ForwardAlways, Is.Null);
        Assert.That(_harness.Manager.Features.Get("1001").ForwardAlways, Is.Empty, "switched off over whatever extensions.xml says");
    }

    [Test]
    public async Task ForwardCodesSetTheBusyAndNoAnswerTargets()
    {
        await FeatureAsync("*901002");
        await FeatureAsync("*521002");

        var features = _harness.Manager.FeaturesOf(User("1001"));
        Assert.That((features.ForwardBusy, features.ForwardNoAnswer), Is.EqualTo(("1002", "1002")));
        await FeatureAsync("*91");
        await FeatureAsync("*53");
        features = _harness.Manager.FeaturesOf(User("1001"));
        Assert.That((features.ForwardBusy, features.ForwardNoAnswer), Is.EqualTo(((string?)null, (string?)null)));
    }

    [TestCase("*72", 484)]
    [TestCase("*721001", 404)]
    [TestCase("*729999", 404)]
    public async Task AForwardCodeWithoutAUsableExtensionIsRefusedAndChangesNothing(string dialled, int status)
    {
        var code = _harness.Dial("1001", dialled);

        await CallHarness.UntilAsync(() => code.HasFinalResponse, "the code is refused");
        Assert.That(code.Final.StatusCode, Is.EqualTo(status));
        Assert.That(_harness.Manager.Features.Get("1001").IsEmpty, Is.True);
        await _harness.IdleAsync();
    }

    private UserOptions User(string extension) => _harness.Configuration.Current.Extensions.FindUser(extension)!;

    /// <summary>1001 dials <paramref name="dialled"/>; the confirming call is answered and over.</summary>
    private async Task FeatureAsync(string dialled)
    {
        var code = _harness.Dial("1001", dialled);
        await CallHarness.UntilAsync(() => code.HasFinalResponse, "the code is answered");
        Assert.That(code.Final.StatusCode, Is.EqualTo(200), dialled);
        _harness.Ack(code);
        await CallHarness.UntilAsync(
            () =>
            {
                _harness.Time.Advance(TimeSpan.FromMilliseconds(100));
                return _harness.Manager.ActiveCalls == 0;
            },
            "the confirming call is over");
    }
}
