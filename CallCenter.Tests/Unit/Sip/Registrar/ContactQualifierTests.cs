using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Sip.Registrar;

/// <summary>OPTIONS qualify on fake time with a fake transaction layer.</summary>
public sealed class ContactQualifierTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private RegistrarHarness _kit = null!;
    private FakeSipClient _client = null!;
    private ListLogger<ContactQualifier> _log = null!;
    private ContactQualifier? _qualifier;
    private CountingTimeProvider _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _kit = new RegistrarHarness(
            new RegistrarOptions { QualifyInterval = Interval, MaxExpires = TimeSpan.FromDays(1), DefaultExpires = TimeSpan.FromDays(1) },
            maxContacts: 10,
            wrapTime: fake => _clock = new CountingTimeProvider(fake));
        _client = new FakeSipClient(_kit.Time);
        _log = new ListLogger<ContactQualifier>();
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_qualifier is not null)
        {
            await _qualifier.DisposeAsync();
        }

        await _kit.DisposeAsync();
    }

    [Test]
    public void TheProbeIsAnOptionsToTheContactFromTheServerSentToTheBindingsFlow()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10:5060;line=abc>");
        var binding = _kit.Store.GetBindings("1000").Single();

        Start();

        var sent = _client.Sent.Single();
        var request = sent.Request;
        Assert.That(request.Method, Is.EqualTo("OPTIONS"));
        Assert.That(request.RequestUri.ToString(), Is.EqualTo("sip:1000@192.0.2.10:5060;line=abc"));
        Assert.That(request.From!.Uri!.ToString(), Is.EqualTo("sip:callcenter@pbx.test"));
        Assert.That(request.From.Tag, Has.Length.GreaterThanOrEqualTo(8));
        Assert.That(request.To!.Uri!.ToString(), Is.EqualTo("sip:1000@192.0.2.10:5060;line=abc"));
        Assert.That(request.To.Tag, Is.Null);
        Assert.That(request.CallId, Does.EndWith("@pbx.test"));
        Assert.That(request.CSeq!.Value.Number, Is.EqualTo(1));
        Assert.That(request.CSeq.Value.Method, Is.EqualTo("OPTIONS"));
        Assert.That(request.MaxForwards, Is.EqualTo(70));
        Assert.That(request.GetHeaderValue("User-Agent"), Is.EqualTo("CallCenter-Test"));
        Assert.That(request.Vias, Is.Empty, "the transaction layer adds the Via");
        Assert.That(sent.Target, Is.EqualTo(binding.Target));
        Assert.That(sent.Target.Flow, Is.EqualTo(_kit.UdpFlow));
    }

    [Test]
    public void AReloadThatDeletesAUserEndsItsRegistrationsAtOnce()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a");
        _kit.Register("1001", "<sip:1001@192.0.2.11>", callId: "b");
        Start();

        var current = _kit.Configuration.Current;
        _kit.Configuration.Set(current with
        {
            Extensions = current.Extensions with { Users = [.. current.Extensions.Users.Where(u => u.Extension != "1001")] },
        });

        Assert.That(_kit.Store.GetContacts("1001"), Is.Empty, "the deleted user's phone is no longer registered");
        Assert.That(_kit.Store.GetContacts("1000"), Has.Count.EqualTo(1));
    }

    [Test]
    public void EveryProbeHasAFreshCallIdAndTag()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        Start();
        _kit.Time.Advance(Interval);

        var probes = _client.Sent.Select(s => s.Request).ToList();
        Assert.That(probes, Has.Count.EqualTo(2));
        Assert.That(probes[0].CallId, Is.Not.EqualTo(probes[1].CallId));
        Assert.That(probes[0].From!.Tag, Is.Not.EqualTo(probes[1].From!.Tag));
    }

    [TestCase(200)]
    [TestCase(404)]
    [TestCase(405)]
    public void AnyResponseMeansReachable(int status)
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        _client.Answer = request => SipClientResult.Of(FakeSipClient.Respond(request, status));

        Start();

        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Reachable));
    }

    [TestCase(SipClientFailure.Timeout)]
    [TestCase(SipClientFailure.TransportError)]
    public void NoAnswerMarksTheBindingUnreachableOnceButKeepsItAndRanksItLast(SipClientFailure failure)
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a");
        _kit.Register("1000", "<sip:1000@192.0.2.11>", callId: "b");
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 2);
        _client.Answer = request => request.RequestUri.Host == "192.0.2.10" ? SipClientResult.Failed(failure) : SipClientResult.Of(FakeSipClient.Respond(request, 200));

        Start();
        _kit.Time.Advance(Interval * 3);

        Assert.That(_client.Sent.Count(s => s.Request.RequestUri.Host == "192.0.2.10"), Is.EqualTo(4), "probed every interval");
        var silent = _kit.Store.GetBindings("1000").Single(b => b.ContactUri.Host == "192.0.2.10");
        Assert.That(silent.Reachability, Is.EqualTo(Reachability.Unreachable));
        Assert.That(_kit.Store.GetContacts("1000").Select(b => b.ContactUri.Host), Is.EqualTo(new[] { "192.0.2.11", "192.0.2.10" }),
            "the more recently refreshed contact is still tried last while it does not answer");
        var warnings = _log.Entries.Where(e => e.EventId == 2540).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1), "a state change is logged once, not every probe");
        Assert.That(warnings[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(_log.Entries.Where(e => e.Level > LogLevel.Debug).Select(e => e.EventId), Is.EquivalentTo(new[] { 2543, 2540 }));
    }

    [Test]
    public void AContactThatAnswersAgainIsReachableAgainAndThatIsLoggedOnce()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        _client.Answer = _ => SipClientResult.Failed(SipClientFailure.Timeout);
        Start();
        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Unreachable));

        _client.Answer = request => SipClientResult.Of(FakeSipClient.Respond(request, 200));
        _kit.Time.Advance(Interval * 2);

        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Reachable));
        var back = _log.Entries.Where(e => e.EventId == 2541).ToList();
        Assert.That(back, Has.Count.EqualTo(1));
        Assert.That(back[0].Level, Is.EqualTo(LogLevel.Information));
    }

    [Test]
    public void AVerdictAboutAFlowThePhoneHasLeftMeanwhileIsIgnored()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10;transport=tcp>", cseq: 1, flow: _kit.TcpFlow(40_001, connectionId: 1));
        _client.Answer = _ => null;
        Start();

        _kit.Register("1000", "<sip:1000@192.0.2.10;transport=tcp>", cseq: 2, flow: _kit.TcpFlow(40_002, connectionId: 2));
        _client.Sent[0].Completion.SetResult(SipClientResult.Failed(SipClientFailure.TransportError));

        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Unknown));
        Assert.That(_log.Entries.Any(e => e.EventId == 2540), Is.False);
    }

    [Test]
    public void AStoppedTransactionSaysNothingAboutTheContact()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        _client.Answer = _ => SipClientResult.Failed(SipClientFailure.Stopped);

        Start();

        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Unknown));
    }

    [Test]
    public void ProbesAreSpreadEvenlyOverTheIntervalByOneTimer()
    {
        for (var i = 0; i < 4; i++)
        {
            _kit.Register("1000", $"<sip:1000@192.0.2.{i + 1}>", callId: $"phone-{i}");
        }

        var timersBefore = _clock.TimersCreated;
        var start = _kit.Time.GetUtcNow();
        Start();
        _kit.Time.Advance(Interval * 2 - TimeSpan.FromSeconds(1));

        var offsets = _client.Sent.Select(s => (s.At - start).TotalSeconds).ToList();
        Assert.That(offsets, Is.EqualTo(new double[] { 0, 15, 30, 45, 60, 75, 90, 105 }));
        Assert.That(_client.Sent.Take(4).Select(s => s.Request.RequestUri.Host).Distinct().Count(), Is.EqualTo(4), "each binding once per round");
        Assert.That(_clock.TimersCreated - timersBefore, Is.EqualTo(1), "one scheduler timer, not one per binding");
    }

    [Test]
    public void NoMoreThanMaxInFlightProbesWaitForAnAnswerAndTheRoundWaitsForASlot()
    {
        for (var i = 0; i < 5; i++)
        {
            _kit.Register("1000", $"<sip:1000@192.0.2.{i + 1}>", callId: $"phone-{i}");
        }

        _client.Answer = _ => null;
        Start(maxInFlight: 2);
        _kit.Time.Advance(Interval);

        Assert.That(_client.Sent, Has.Count.EqualTo(2));
        Assert.That(_qualifier!.InFlight, Is.EqualTo(2));
        Assert.That(_qualifier.WaitsAtBound, Is.GreaterThan(0));

        // One answer frees one slot: the next tick sends the third binding's probe, not a skipped one.
        _client.Sent[0].Completion.SetResult(SipClientResult.Of(FakeSipClient.Respond(_client.Sent[0].Request, 200)));
        _kit.Time.Advance(TimeSpan.FromSeconds(12));

        Assert.That(_client.Sent, Has.Count.EqualTo(3));
        Assert.That(_client.Sent.Select(s => s.Request.RequestUri.Host).Distinct().Count(), Is.EqualTo(3));
        Assert.That(_qualifier.InFlight, Is.EqualTo(2));
    }

    [Test]
    public void AnIntervalChangedLiveToZeroStopsProbingAndAnotherStartsItAgain()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        Start();
        Assert.That(_client.Sent, Has.Count.EqualTo(1));

        _kit.Configuration.SetQualifyInterval(TimeSpan.Zero);
        _kit.Time.Advance(TimeSpan.FromHours(1));
        Assert.That(_client.Sent, Has.Count.EqualTo(1));

        _kit.Configuration.SetQualifyInterval(TimeSpan.FromSeconds(30));
        _kit.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(_client.Sent, Has.Count.EqualTo(3), "at once on the change, then every 30 s");
    }

    [Test]
    public void AZeroIntervalAtStartNeverProbes()
    {
        _kit.Configuration.SetQualifyInterval(TimeSpan.Zero);
        _kit.Register("1000", "<sip:1000@192.0.2.10>");

        Start();
        _kit.Time.Advance(TimeSpan.FromHours(1));

        Assert.That(_client.Sent, Is.Empty);
    }

    [Test]
    public void ABindingRemovedMidRoundIsSkippedAndOneAddedMidRoundJoinsTheNextRound()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.1>", callId: "a");
        _kit.Register("1001", "<sip:1001@192.0.2.2>", callId: "b");
        Start();
        _kit.Store.Remove(_kit.Store.GetBindings("1001").Single().Id);
        _kit.Register("1002", "<sip:1002@192.0.2.3>", callId: "c");

        _kit.Time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.That(_client.Sent.Select(s => s.Request.RequestUri.Host), Is.EqualTo(new[] { "192.0.2.1" }));

        // The second round covers the two live bindings, 30 s apart.
        _kit.Time.Advance(Interval - TimeSpan.FromSeconds(1));
        Assert.That(_client.Sent.Skip(1).Select(s => s.Request.RequestUri.Host), Is.EquivalentTo(new[] { "192.0.2.1", "192.0.2.3" }));
    }

    [Test]
    public async Task DisposingCancelsOutstandingProbesAndWaitsForThem()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        _client.Answer = _ => null;
        Start();
        Assert.That(_qualifier!.InFlight, Is.EqualTo(1));

        await _qualifier.DisposeAsync();

        Assert.That(_qualifier.InFlight, Is.Zero);
        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Unknown));
        _kit.Time.Advance(TimeSpan.FromHours(1));
        Assert.That(_client.Sent, Has.Count.EqualTo(1));
    }

    private void Start(int maxInFlight = ContactQualifier.DefaultMaxInFlight)
    {
        _qualifier = new ContactQualifier(_kit.Store, _client, _kit.Configuration, _kit.TimeProvider, _log, maxInFlight);
        _qualifier.Start();

        // The first round starts at once (a zero-delay tick); let the fake clock run it.
        _kit.Time.Advance(TimeSpan.Zero);
    }
}
