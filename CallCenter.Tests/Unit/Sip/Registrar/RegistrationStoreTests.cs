using CallCenter.Core.Sip.Registrar;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Sip.Registrar;

/// <summary>The live state: expiry on fake time with one timer, the change feed, ordering for routing, counts.</summary>
public sealed class RegistrationStoreTests
{
    private RegistrarHarness _kit = null!;
    private CountingTimeProvider _clock = null!;

    [SetUp]
    public void SetUp() => _kit = new RegistrarHarness(wrapTime: fake => _clock = new CountingTimeProvider(fake));

    [TearDown]
    public async Task TearDown() => await _kit.DisposeAsync();

    [Test]
    public void ABindingExpiresExactlyWhenItsTimeIsUp()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", expires: 60);

        _kit.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(1));

        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
        Assert.That(_kit.Store.AorCount, Is.Zero);
        Assert.That(_kit.Store.GetContacts("1000"), Is.Empty);
        var expired = _kit.StoreLog.Entries.Single(e => e.EventId == 2520);
        Assert.That(expired.Level, Is.EqualTo(LogLevel.Information));
    }

    [Test]
    public void OneTimerServesEveryBindingAndIsReArmedForTheSoonestExpiry()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", expires: 60);
        _kit.Register("1001", "<sip:1001@192.0.2.11>", callId: "b", expires: 120);
        _kit.Register("1002", "<sip:1002@192.0.2.12>", callId: "c", expires: 180);
        _kit.Time.Advance(TimeSpan.FromSeconds(30));

        // Refreshing the soonest binding moves the timer on to the next one; it does not fire for nothing at 60 s.
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 2, expires: 3600);
        _kit.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.That(_kit.Store.ExpiryTimerFirings, Is.Zero);
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(3));

        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_kit.Store.ExpiryTimerFirings, Is.EqualTo(1));
        Assert.That(_kit.Store.GetBindings("1001"), Is.Empty);

        _kit.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.That(_kit.Store.ExpiryTimerFirings, Is.EqualTo(2));
        Assert.That(_kit.Store.GetBindings("1002"), Is.Empty);

        _kit.Time.Advance(TimeSpan.FromHours(2));
        Assert.That(_kit.Store.ExpiryTimerFirings, Is.EqualTo(3), "one firing per expiry, no polling in between");
        Assert.That(_kit.Store.BindingCount, Is.Zero);
        Assert.That(_clock.TimersCreated, Is.EqualTo(1), "the store creates a single timer for its whole life");
    }

    [Test]
    public void BindingsDueAtTheSameMomentExpireInOneFiring()
    {
        _kit.Send(Requests.Register("1000", ["<sip:1000@192.0.2.10>", "<sip:1000@192.0.2.11>"], expires: 60));
        _kit.Register("1001", "<sip:1001@192.0.2.12>", expires: 60);

        _kit.Time.Advance(TimeSpan.FromSeconds(60));

        Assert.That(_kit.Store.BindingCount, Is.Zero);
        Assert.That(_kit.Store.ExpiryTimerFirings, Is.EqualTo(1));
    }

    [Test]
    public void AClosedConnectionMakesTheBindingsRegisteredOverItUnreachableAndNoOthers()
    {
        var closing = _kit.TcpFlow(40001, connectionId: 7);
        var staying = _kit.TcpFlow(40002, connectionId: 8);
        _kit.Register("1000", "<sip:1000@192.0.2.10;transport=tcp>", callId: "a", flow: closing);
        _kit.Register("1001", "<sip:1001@192.0.2.11;transport=tcp>", callId: "b", flow: staying);
        _kit.Register("1002", "<sip:1002@192.0.2.12>", callId: "c");

        Assert.That(_kit.Store.MarkFlowClosed(closing), Is.EqualTo(1));

        Assert.That(_kit.Store.GetContacts("1000").Single().Reachability, Is.EqualTo(Reachability.Unreachable));
        Assert.That(_kit.Store.GetContacts("1001").Single().Reachability, Is.Not.EqualTo(Reachability.Unreachable));
        Assert.That(_kit.Store.GetContacts("1002").Single().Reachability, Is.Not.EqualTo(Reachability.Unreachable));
        Assert.That(_kit.Store.MarkFlowClosed(_kit.UdpFlow), Is.Zero, "a UDP flow is not a connection");
        Assert.That(_kit.StoreLog.Entries.Count(e => e.EventId == 2546), Is.EqualTo(1));

        _kit.Register("1000", "<sip:1000@192.0.2.10;transport=tcp>", callId: "a", cseq: 2, flow: _kit.TcpFlow(40003, connectionId: 9));
        Assert.That(_kit.Store.GetContacts("1000").Single().Reachability, Is.Not.EqualTo(Reachability.Unreachable), "registering again over a new connection revives it");
    }

    [Test]
    public void BindingsOfDeletedUsersAreRemovedAndTheOthersKept()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a");
        _kit.Register("1001", "<sip:1001@192.0.2.11>", callId: "b");

        Assert.That(_kit.Store.RemoveUnknownExtensions(extension => extension != "1000"), Is.EqualTo(1));

        Assert.That(_kit.Store.GetContacts("1000"), Is.Empty);
        Assert.That(_kit.Store.GetContacts("1001"), Has.Count.EqualTo(1));
        Assert.That(_kit.StoreLog.Entries.Count(e => e.EventId == 2547), Is.EqualTo(1));
    }

    [Test]
    public void TheFeedDeliversEveryKindOfChangeInOrder()
    {
        using var feed = _kit.Store.Subscribe();
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 1, expires: 600);
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 2, expires: 600);
        var id = _kit.Store.GetBindings("1000").Single().Id;
        _kit.Store.SetReachability(id, Reachability.Reachable, out _);
        _kit.Send(Requests.Register("1000", ["<sip:1000@192.0.2.10>"], callId: "a", cseq: 3, expires: 0));
        _kit.Register("1001", "<sip:1001@192.0.2.11>", expires: 60);
        _kit.Time.Advance(TimeSpan.FromSeconds(60));

        var kinds = new List<RegistrationChangeKind>();
        while (feed.Reader.TryRead(out var change))
        {
            kinds.Add(change.Kind);
        }

        Assert.That(kinds, Is.EqualTo(new[]
        {
            RegistrationChangeKind.Added, RegistrationChangeKind.Refreshed, RegistrationChangeKind.ReachabilityChanged,
            RegistrationChangeKind.Removed, RegistrationChangeKind.Added, RegistrationChangeKind.Expired,
        }));
        Assert.That(feed.Dropped, Is.Zero);
    }

    [Test]
    public void AFullFeedDropsItsOldestChangesCountsThemAndSaysSoOnce()
    {
        using var feed = _kit.Store.Subscribe(capacity: 2);
        for (var i = 1; i <= 5; i++)
        {
            _kit.Register("1000", "<sip:1000@192.0.2.10>", cseq: (uint)i);
        }

        Assert.That(feed.Dropped, Is.EqualTo(3));
        Assert.That(feed.Depth, Is.EqualTo(2));
        Assert.That(feed.Reader.TryRead(out var oldestKept), Is.True);
        Assert.That(oldestKept!.Binding.CSeq, Is.EqualTo(4));
        Assert.That(_kit.StoreLog.Entries.Count(e => e.EventId == 2522), Is.EqualTo(1));
    }

    [Test]
    public void ADisposedFeedReceivesNothingMore()
    {
        var feed = _kit.Store.Subscribe();
        feed.Dispose();

        _kit.Register("1000", "<sip:1000@192.0.2.10>");

        Assert.That(feed.Reader.TryRead(out _), Is.False);
        Assert.That(feed.Reader.Completion.IsCompleted, Is.True);
    }

    [Test]
    public void ContactsAreRankedByQThenMostRecentWithUnreachableOnesLast()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.1>;q=0.5", callId: "low-q");
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        _kit.Register("1000", "<sip:1000@192.0.2.2>", callId: "no-q-old");
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        _kit.Register("1000", "<sip:1000@192.0.2.3>;q=1.0", callId: "full-q-new");

        var ranked = _kit.Store.GetContacts("1000").Select(b => b.ContactUri.Host).ToList();
        Assert.That(ranked, Is.EqualTo(new[] { "192.0.2.3", "192.0.2.2", "192.0.2.1" }));

        var newest = _kit.Store.GetContacts("1000")[0];
        _kit.Store.SetReachability(newest.Id, Reachability.Unreachable, out _);
        ranked = [.. _kit.Store.GetContacts("1000").Select(b => b.ContactUri.Host)];
        Assert.That(ranked, Is.EqualTo(new[] { "192.0.2.2", "192.0.2.1", "192.0.2.3" }));
    }

    [Test]
    public void CountsFollowBindingsAndAddressesOfRecord()
    {
        _kit.Send(Requests.Register("1000", ["<sip:1000@192.0.2.10>", "<sip:1000@192.0.2.11>"]));
        _kit.Register("1001", "<sip:1001@192.0.2.12>");

        Assert.That(_kit.Store.BindingCount, Is.EqualTo(3));
        Assert.That(_kit.Store.AorCount, Is.EqualTo(2));
        Assert.That(_kit.Store.GetAll(), Has.Count.EqualTo(3));

        Assert.That(_kit.Store.Remove(_kit.Store.GetBindings("1001").Single().Id), Is.True);
        Assert.That(_kit.Store.AorCount, Is.EqualTo(1));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(2));
    }

    [Test]
    public void ReachabilityIsReportedChangedOnlyWhenItChanges()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>");
        var id = _kit.Store.GetBindings("1000").Single().Id;

        Assert.That(_kit.Store.SetReachability(id, Reachability.Reachable, out var before), Is.True);
        Assert.That(before, Is.EqualTo(Reachability.Unknown));
        Assert.That(_kit.Store.SetReachability(id, Reachability.Reachable, out _), Is.False);
        Assert.That(_kit.Store.SetReachability(id, Reachability.Unreachable, out before), Is.True);
        Assert.That(before, Is.EqualTo(Reachability.Reachable));
        Assert.That(_kit.Store.SetReachability(id + 100, Reachability.Reachable, out _), Is.False, "a binding that is gone");
        Assert.That(_kit.Store.GetBindings("1000").Single().Reachability, Is.EqualTo(Reachability.Unreachable));
    }

    [Test]
    public void RemovingTheSoonestBindingByHandReArmsTheTimerForTheNext()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", expires: 60);
        _kit.Register("1001", "<sip:1001@192.0.2.11>", callId: "b", expires: 120);

        _kit.Store.Remove(_kit.Store.GetBindings("1000").Single().Id);
        _kit.Time.Advance(TimeSpan.FromSeconds(119));

        Assert.That(_kit.Store.ExpiryTimerFirings, Is.Zero);
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_kit.Store.ExpiryTimerFirings, Is.EqualTo(1));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
    }

    [Test]
    public void ARefreshedBindingExpiresAtItsNewTimeNotItsOldOne()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 1, expires: 60);
        _kit.Time.Advance(TimeSpan.FromSeconds(30));
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 2, expires: 120);

        _kit.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(1), "the entry of the first expiry is stale");
        _kit.Time.Advance(TimeSpan.FromSeconds(88));
        Assert.That(_kit.Store.BindingCount, Is.EqualTo(1));
        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
    }

    [Test]
    public void RefreshingOftenKeepsTheExpiryIndexBoundedAndTheBindingsOwnObjects()
    {
        _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: 1, expires: 3600);
        _kit.Register("1001", "<sip:1001@192.0.2.11>", callId: "b", cseq: 1, expires: 3600);
        var first = _kit.Store.GetBindings("1000").Single();
        for (uint cseq = 2; cseq < 500; cseq++)
        {
            _kit.Time.Advance(TimeSpan.FromMilliseconds(10));
            _kit.Register("1000", "<sip:1000@192.0.2.10>", callId: "a", cseq: cseq, expires: 3600);
        }

        var last = _kit.Store.GetBindings("1000").Single();
        Assert.Multiple(() =>
        {
            Assert.That(_kit.Store.ExpiryEntries, Is.LessThanOrEqualTo((2 * 2) + 64));
            Assert.That(last.CSeq, Is.EqualTo(499));
            Assert.That(last.ContactUri, Is.SameAs(first.ContactUri), "the same contact is not kept twice");
            Assert.That(last.UserAgent, Is.SameAs(first.UserAgent));
            Assert.That(last.Target, Is.SameAs(first.Target));
        });

        // Both still expire on time after all those stale entries.
        _kit.Time.Advance(TimeSpan.FromSeconds(3600) - TimeSpan.FromMilliseconds(10 * 498));
        Assert.That(_kit.Store.GetBindings("1001"), Is.Empty);
        Assert.That(_kit.Store.GetBindings("1000"), Has.Length.EqualTo(1));
        _kit.Time.Advance(TimeSpan.FromMilliseconds(10 * 498));
        Assert.That(_kit.Store.BindingCount, Is.Zero);
    }
}
