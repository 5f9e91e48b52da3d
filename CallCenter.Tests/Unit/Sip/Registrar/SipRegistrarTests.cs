using System.Globalization;
using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Sip.Registrar;

/// <summary>RFC 3261 §10.3, rule by rule, through the registrar's one entry point.</summary>
public sealed class SipRegistrarTests
{
    private const string PhoneA = "<sip:1000@192.0.2.10:5060>";
    private const string PhoneB = "<sip:1000@192.0.2.11:5060>";
    private const string PhoneC = "<sip:1000@192.0.2.12:5060>";

    private RegistrarHarness _kit = null!;

    [SetUp]
    public void SetUp() => _kit = new RegistrarHarness();

    [TearDown]
    public async Task TearDown() => await _kit.DisposeAsync();

    [Test]
    public void AnAddressOfRecordThatIsNoUserOfOursGets404AndNothingIsStored()
    {
        var response = _kit.Send(Requests.Register("4711", [PhoneA]));

        Assert.That(response.StatusCode, Is.EqualTo(404));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
    }

    [Test]
    public void AnyHostInTheToUriIsAcceptedBecauseTheUserPartNamesTheExtension()
    {
        var viaAddress = _kit.Send(Requests.Register("1000", [PhoneA], toHost: "10.1.2.3"));
        var viaOtherName = _kit.Send(Requests.Register("1001", [PhoneB], toHost: "pbx.example.org:5080"));

        Assert.That(viaAddress.StatusCode, Is.EqualTo(200));
        Assert.That(viaOtherName.StatusCode, Is.EqualTo(200));
        Assert.That(_kit.Store.AorCount, Is.EqualTo(2));
    }

    [Test]
    public void AUserAuthenticatedAsSomeoneElseGets403()
    {
        var response = _kit.Send(Requests.Register("1000", [PhoneA]), authenticatedUser: "1001");

        Assert.That(response.StatusCode, Is.EqualTo(403));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
        Assert.That(_kit.RegistrarLog.Entries.Where(e => e.EventId == 2505).Select(e => e.Level), Is.EqualTo(new[] { LogLevel.Debug }));
    }

    [Test]
    public void TheFirstRegistrationIsAnsweredWithItsContactItsExpiryAndADate()
    {
        var response = _kit.Register("1000", PhoneA, expires: 1800);

        Assert.That(response.Contacts, Has.Count.EqualTo(1));
        Assert.That(response.Contacts[0].Uri!.ToString(), Is.EqualTo("sip:1000@192.0.2.10:5060"));
        Assert.That(response.Contacts[0].Expires, Is.EqualTo(1800));
        var date = DateTimeOffset.ParseExact(response.GetHeaderValue("Date")!, "r", CultureInfo.InvariantCulture);
        Assert.That(date, Is.EqualTo(_kit.Time.GetUtcNow()));
        Assert.That(response.GetHeaderValue("Date"), Does.EndWith(" GMT"), "§20.17: RFC 1123 date in GMT");

        var binding = _kit.Store.GetBindings("1000").Single();
        Assert.That(binding.CallId, Is.EqualTo("call-a"));
        Assert.That(binding.UserAgent, Is.EqualTo("TestPhone/1.0"));
        Assert.That(binding.Target.Flow, Is.EqualTo(_kit.UdpFlow));
        Assert.That(binding.Target.EndPoint, Is.EqualTo(RegistrarHarness.PhoneAddress));
        Assert.That(binding.ExpiresAtUtc, Is.EqualTo(_kit.Time.GetUtcNow().AddSeconds(1800)));
        Assert.That(binding.Reachability, Is.EqualTo(Reachability.Unknown));
    }

    [Test]
    public void AWildcardWithExpiresZeroRemovesEveryBindingOfTheAddressOfRecord()
    {
        _kit.Register("1000", PhoneA, callId: "phone-a");
        _kit.Register("1000", PhoneB, callId: "phone-b");
        _kit.Register("1001", PhoneC, callId: "phone-c");

        var response = _kit.Send(Requests.Register("1000", ["*"], callId: "phone-a", cseq: 2, expires: 0));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts, Is.Empty);
        Assert.That(_kit.Store.GetBindings("1000"), Is.Empty);
        Assert.That(_kit.Store.GetBindings("1001"), Has.Length.EqualTo(1), "other extensions are untouched");
    }

    [TestCase(null, TestName = "WildcardWithoutAnExpiresHeaderGets400")]
    [TestCase(3600u, TestName = "WildcardWithANonZeroExpiresGets400")]
    public void AWildcardWithoutExpiresZeroIsInvalid(uint? expires)
    {
        _kit.Register("1000", PhoneA);

        var response = _kit.Send(Requests.Register("1000", ["*"], cseq: 2, expires: expires));

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(1));
    }

    [Test]
    public void AWildcardBesideAnotherContactGets400()
    {
        _kit.Register("1000", PhoneA);

        var response = _kit.Send(Requests.Register("1000", ["*", PhoneB], cseq: 2, expires: 0));

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(_kit.Store.GetBindings("1000").Single().ContactUri.Host, Is.EqualTo("192.0.2.10"));
    }

    [Test]
    public void AWildcardThatIsNotNewerThanABindingOfItsOwnCallIdFailsWhole()
    {
        _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 7);
        _kit.Register("1000", PhoneB, callId: "phone-b", cseq: 1);

        var response = _kit.Send(Requests.Register("1000", ["*"], callId: "phone-a", cseq: 7, expires: 0));

        Assert.That(response.StatusCode, Is.EqualTo(500));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(2), "nothing removed, not even the other Call-ID's binding");
    }

    [Test]
    public void AnExpiryBelowMinExpiresGets423WithMinExpiresAndTheWholeRequestChangesNothing()
    {
        _kit.Register("1000", PhoneA, cseq: 1, expires: 3600);
        _kit.Time.Advance(TimeSpan.FromSeconds(100));

        var response = _kit.Send(Requests.Register("1000", [PhoneA + ";expires=3600", PhoneB + ";expires=30"], cseq: 2));

        Assert.That(response.StatusCode, Is.EqualTo(423));
        Assert.That(response.GetHeaderValue("Min-Expires"), Is.EqualTo("60"));
        var binding = _kit.Store.GetBindings("1000").Single();
        Assert.That(binding.CSeq, Is.EqualTo(1), "the valid contact of the same request was not applied either");
        Assert.That(_kit.Store.GetRemaining(binding), Is.EqualTo(TimeSpan.FromSeconds(3500)));
    }

    [Test]
    public void AnExpiryAboveMaxExpiresIsClamped()
    {
        _kit.Configuration.Set(TestOptions.Create(new RegistrarOptions { MaxExpires = TimeSpan.FromSeconds(1800) }));

        var response = _kit.Register("1000", PhoneA, expires: 86_400);

        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(1800));
        Assert.That(_kit.Store.GetRemaining(_kit.Store.GetBindings("1000").Single()), Is.EqualTo(TimeSpan.FromSeconds(1800)));
    }

    [Test]
    public void WithoutAnyExpiryTheDefaultApplies()
    {
        _kit.Configuration.Set(TestOptions.Create(new RegistrarOptions { DefaultExpires = TimeSpan.FromSeconds(1200) }));

        var response = _kit.Register("1000", PhoneA);

        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(1200));
    }

    [Test]
    public void AContactsExpiresParameterWinsOverTheExpiresHeaderWhichWinsOverTheDefault()
    {
        var response = _kit.Send(Requests.Register("1000", [PhoneA + ";expires=120", PhoneB], expires: 600));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        var byHost = response.Contacts.ToDictionary(c => c.Uri!.Host, c => c.Expires);
        Assert.That(byHost["192.0.2.10"], Is.EqualTo(120));
        Assert.That(byHost["192.0.2.11"], Is.EqualTo(600));
    }

    [Test]
    public void AnExpiresValueOutOfRangeCountsAsAbsent()
    {
        // RFC 4475 scalar02: a value beyond 2^32-1 is treated as if the parameter were missing.
        var response = _kit.Send(Requests.Register("1000", [PhoneA + ";expires=280297596632815"], expires: 900));

        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(900));
    }

    [Test]
    public void ExpiresZeroRemovesThatContactOnly()
    {
        _kit.Register("1000", PhoneA, callId: "phone-a");
        _kit.Register("1000", PhoneB, callId: "phone-b");

        var response = _kit.Send(Requests.Register("1000", [PhoneA + ";expires=0"], callId: "phone-a", cseq: 2));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts.Select(c => c.Uri!.Host), Is.EqualTo(new[] { "192.0.2.11" }));
        Assert.That(_kit.Store.GetBindings("1000").Single().ContactUri.Host, Is.EqualTo("192.0.2.11"));
    }

    [Test]
    public void RemovingAContactThatIsNotRegisteredIsNotAnError()
    {
        var response = _kit.Send(Requests.Register("1000", [PhoneA], expires: 0));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts, Is.Empty);
    }

    [TestCase(5u, TestName = "ASameCallIdWithTheSameCSeqFailsWith500")]
    [TestCase(4u, TestName = "ASameCallIdWithALowerCSeqFailsWith500")]
    public void AnOutOfOrderUpdateIsAbortedAndTheRequestFails(uint cseq)
    {
        _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 5, expires: 3600);

        // §10.3 step 7: "If not, the update MUST be aborted and the request fails."
        var response = _kit.Send(Requests.Register("1000", [PhoneA], callId: "phone-a", cseq: cseq, expires: 0));

        Assert.That(response.StatusCode, Is.EqualTo(500));
        var binding = _kit.Store.GetBindings("1000").Single();
        Assert.That(binding.CSeq, Is.EqualTo(5));
    }

    [Test]
    public void AnOutOfOrderContactFailsTheWholeRequestIncludingItsNewContacts()
    {
        _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 5);

        var response = _kit.Send(Requests.Register("1000", [PhoneB, PhoneA], callId: "phone-a", cseq: 3));

        Assert.That(response.StatusCode, Is.EqualTo(500));
        Assert.That(_kit.Store.GetBindings("1000").Select(b => b.ContactUri.Host), Is.EqualTo(new[] { "192.0.2.10" }));
    }

    [Test]
    public void AHigherCSeqOnTheSameCallIdRefreshesTheBinding()
    {
        _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 5, expires: 600);
        var id = _kit.Store.GetBindings("1000").Single().Id;
        _kit.Time.Advance(TimeSpan.FromSeconds(500));

        var response = _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 6, expires: 600);

        var binding = _kit.Store.GetBindings("1000").Single();
        Assert.That(binding.Id, Is.EqualTo(id), "a refresh keeps the binding's identity");
        Assert.That(binding.CSeq, Is.EqualTo(6));
        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(600));
    }

    [Test]
    public void ANewCallIdReplacesTheBindingWhateverItsCSeqSoARebootedPhoneIsNotLockedOut()
    {
        _kit.Register("1000", PhoneA, callId: "before-reboot", cseq: 900);

        var response = _kit.Register("1000", PhoneA, callId: "after-reboot", cseq: 1);

        var binding = _kit.Store.GetBindings("1000").Single();
        Assert.That(binding.CallId, Is.EqualTo("after-reboot"));
        Assert.That(binding.CSeq, Is.EqualTo(1));
        Assert.That(response.Contacts, Has.Count.EqualTo(1));
    }

    [Test]
    public void SeveralContactsInOneRequestAreAllBound()
    {
        var response = _kit.Send(Requests.Register("1000", [PhoneA, PhoneB + ";q=0.5"], expires: 900));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts, Has.Count.EqualTo(2));
        Assert.That(response.Contacts.Single(c => c.Uri!.Host == "192.0.2.11").Q, Is.EqualTo(0.5));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(2));
    }

    [Test]
    public void TheResponseListsEveryBindingOfTheAddressOfRecordWithItsOwnRemainingTime()
    {
        _kit.Register("1000", PhoneA, callId: "phone-a", expires: 3600);
        _kit.Time.Advance(TimeSpan.FromSeconds(1000));

        var response = _kit.Register("1000", PhoneB, callId: "phone-b", expires: 600);

        var byHost = response.Contacts.ToDictionary(c => c.Uri!.Host, c => c.Expires);
        Assert.That(byHost, Has.Count.EqualTo(2));
        Assert.That(byHost["192.0.2.10"], Is.EqualTo(2600), "the other phone's binding, with what it has left");
        Assert.That(byHost["192.0.2.11"], Is.EqualTo(600));
    }

    [Test]
    public void ARegisterWithoutContactIsAQueryThatChangesNothing()
    {
        _kit.Register("1000", PhoneA, expires: 3600);
        _kit.Time.Advance(TimeSpan.FromSeconds(10));
        using var feed = _kit.Store.Subscribe();

        var response = _kit.Send(Requests.Register("1000", [], cseq: 2));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(3590));
        Assert.That(feed.Depth, Is.Zero);
        Assert.That(_kit.Store.GetBindings("1000").Single().CSeq, Is.EqualTo(1));
    }

    [Test]
    public void ContactsAreMatchedWithTheUriComparisonRulesOfSection19_1_4()
    {
        _kit.Register("1000", "<sip:1000@Phone.Example:5060;ob>", callId: "phone-a", cseq: 1);

        // Host case and a parameter present on one side only do not make a new contact; a missing port does.
        _kit.Register("1000", "<sip:1000@phone.example:5060>", callId: "phone-a", cseq: 2);
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(1));
        Assert.That(_kit.Store.GetBindings("1000").Single().CSeq, Is.EqualTo(2));

        _kit.Register("1000", "<sip:1000@phone.example>", callId: "phone-a", cseq: 3);
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(2));

        // transport is one of the parameters that must match when present on either side.
        _kit.Register("1000", "<sip:1000@phone.example:5060;transport=tcp>", callId: "phone-a", cseq: 4);
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(3));
    }

    [Test]
    public void AtMaxContactsTheBindingClosestToExpiryMakesRoomAndThatIsLogged()
    {
        _kit.Configuration.Set(TestOptions.Create(maxContacts: 2));
        using var feed = _kit.Store.Subscribe();
        _kit.Register("1000", PhoneA, callId: "phone-a", expires: 3600);
        _kit.Register("1000", PhoneB, callId: "phone-b", expires: 600);

        var response = _kit.Register("1000", PhoneC, callId: "phone-c", expires: 3600);

        Assert.That(response.Contacts.Select(c => c.Uri!.Host), Is.EquivalentTo(new[] { "192.0.2.10", "192.0.2.12" }));
        Assert.That(_kit.Store.GetBindings("1000").Select(b => b.ContactUri.Host), Is.EquivalentTo(new[] { "192.0.2.10", "192.0.2.12" }));
        var evicted = _kit.RegistrarLog.Entries.Single(e => e.EventId == 2503);
        Assert.That(evicted.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(evicted.Message, Does.Contain("192.0.2.11"));
        var changes = Drain(feed);
        Assert.That(changes.Where(c => c.Kind == RegistrationChangeKind.Evicted).Select(c => c.Binding.ContactUri.Host), Is.EqualTo(new[] { "192.0.2.11" }));
    }

    [Test]
    public void ARefreshAtMaxContactsEvictsNothing()
    {
        _kit.Configuration.Set(TestOptions.Create(maxContacts: 2));
        _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 1);
        _kit.Register("1000", PhoneB, callId: "phone-b", cseq: 1);

        _kit.Register("1000", PhoneA, callId: "phone-a", cseq: 2);

        Assert.That(_kit.Store.BindingCount, Is.EqualTo(2));
        Assert.That(_kit.RegistrarLog.Entries.Any(e => e.EventId == 2503), Is.False);
    }

    [Test]
    public void ARequestThatAloneAsksForMoreThanMaxContactsGets403AndChangesNothing()
    {
        _kit.Configuration.Set(TestOptions.Create(maxContacts: 2));
        _kit.Register("1000", PhoneA, callId: "phone-a");

        var response = _kit.Send(Requests.Register("1000", [PhoneA, PhoneB, PhoneC], callId: "phone-a", cseq: 2));

        Assert.That(response.StatusCode, Is.EqualTo(403));
        Assert.That(_kit.Store.GetBindings("1000").Single().CSeq, Is.EqualTo(1));
    }

    [Test]
    public void ANonSipContactIsRefused()
    {
        var response = _kit.Send(Requests.Register("1000", ["<tel:+4930123456>"]));

        Assert.That(response.StatusCode, Is.EqualTo(400));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
    }

    [Test]
    public void ARefreshOverANewTcpConnectionMovesTheBindingToThatFlowAndForgetsItsReachability()
    {
        var first = _kit.TcpFlow(40_001, connectionId: 11);
        _kit.Register("1000", "<sip:1000@192.0.2.10:5060;transport=tcp>", cseq: 1, flow: first);
        var id = _kit.Store.GetBindings("1000").Single().Id;
        _kit.Store.SetReachability(id, Reachability.Unreachable, out _);

        var second = _kit.TcpFlow(40_002, connectionId: 12);
        _kit.Register("1000", "<sip:1000@192.0.2.10:5060;transport=tcp>", cseq: 2, flow: second);

        var binding = _kit.Store.GetBindings("1000").Single();
        Assert.That(binding.Target.Flow, Is.EqualTo(second));
        Assert.That(binding.Target.Transport, Is.EqualTo(SipTransport.Tcp));
        Assert.That(binding.Reachability, Is.EqualTo(Reachability.Unknown));
    }

    [Test]
    public void ConcurrentRegistersOfOneExtensionAreAllKept()
    {
        _kit.Configuration.Set(TestOptions.Create(maxContacts: 100));
        const int Phones = 40;

        Parallel.For(0, Phones, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var response = _kit.Send(Requests.Register("1000", [$"<sip:1000@192.0.2.{i + 1}:5060>"], callId: $"phone-{i}"));
            Assert.That(response.StatusCode, Is.EqualTo(200));
        });

        Assert.That(_kit.Store.BindingCount, Is.EqualTo(Phones));
        Assert.That(_kit.Store.GetBindings("1000").Select(b => b.Id).Distinct().Count(), Is.EqualTo(Phones));
    }

    [Test]
    public void TheTransactionOverloadAnswersThroughTheTransactionsOwnResponseFactory()
    {
        var request = Requests.Register("1000", [PhoneA], expires: 600);
        var transaction = new RecordingTransaction(request, _kit.UdpFlow);

        var response = _kit.Registrar.Register(transaction, "1000").BuildResponse();

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.TopVia!.Received, Is.EqualTo("192.0.2.10"), "CreateResponse stamped the Via from the flow");
        Assert.That(response.To!.Tag, Is.Not.Null);
        Assert.That(response.Contacts.Single().Expires, Is.EqualTo(600));
    }

    [Test]
    public void ANonRegisterRequestIsAProgrammingError()
    {
        var invite = SipTestMessages.ParseRequest(SipTestMessages.Invite);

        Assert.That(
            () => _kit.Registrar.Register(invite, "1000", _kit.UdpFlow, (s, r) => SipMessageBuilder.ForResponse(invite, s, r)),
            Throws.ArgumentException);
    }

    private static List<RegistrationChange> Drain(RegistrationFeed feed)
    {
        var changes = new List<RegistrationChange>();
        while (feed.Reader.TryRead(out var change))
        {
            changes.Add(change);
        }

        return changes;
    }

    private sealed class RecordingTransaction(SipRequest request, SipFlow flow) : SipServerTransaction
    {
        public override SipRequest Request => request;

        public override SipFlow Flow => flow;

        public override bool HasFinalResponse => false;

        public override void Respond(SipMessageBuilder response) => throw new InvalidOperationException("The registrar must not send.");

        public override void Discard() => throw new InvalidOperationException("The registrar must not end transactions.");
    }
}
