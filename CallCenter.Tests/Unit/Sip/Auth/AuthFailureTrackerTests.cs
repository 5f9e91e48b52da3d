using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Auth;
using CallCenter.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CallCenter.Tests.Unit.Sip.Auth;

public sealed class AuthFailureTrackerTests
{
    private const int BanEvent = 2301;
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");

    private readonly SipSecurityOptions _options = new()
    {
        MaxFailures = 3,
        FindWindow = TimeSpan.FromMinutes(1),
        BanTime = TimeSpan.FromMinutes(10),
    };

    private FakeTimeProvider _time = null!;
    private CapturingLogger<AuthFailureTracker> _logger = null!;
    private AuthFailureTracker _tracker = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _logger = new CapturingLogger<AuthFailureTracker>();
        _tracker = new AuthFailureTracker(_time, _logger);
    }

    [Test]
    public void ASuspectSourceGetsOneFailureAnswerPerSecondUntilTheBan()
    {
        var options = _options with { MaxFailures = 10 };
        for (var i = 0; i < 4; i++)
        {
            _tracker.RecordFailure(Attacker, options, DigestFailure.WrongResponse);
            Assert.That(_tracker.ShouldThrottle(Attacker, options), Is.False, "below half the threshold every failure is answered");
        }

        _tracker.RecordFailure(Attacker, options, DigestFailure.WrongResponse);
        Assert.That(_tracker.ShouldThrottle(Attacker, options), Is.False, "the fifth failure makes a suspect; its answer goes");
        _tracker.RecordFailure(Attacker, options, DigestFailure.WrongResponse);
        Assert.That(_tracker.ShouldThrottle(Attacker, options), Is.True, "within the second: unanswered");
        Assert.That(_tracker.ShouldThrottle(IPAddress.Parse("203.0.113.8"), options), Is.False, "other sources are not affected");

        _time.Advance(AuthFailureTracker.ThrottleInterval);
        _tracker.RecordFailure(Attacker, options, DigestFailure.WrongResponse);
        Assert.That(_tracker.ShouldThrottle(Attacker, options), Is.False, "a second later one answer goes again");
        Assert.That(_tracker.IsBanned(Attacker), Is.False);
    }

    [Test]
    public void FailuresOutsideTheWindowDoNotMakeASuspect()
    {
        var options = _options with { MaxFailures = 10 };
        for (var i = 0; i < 6; i++)
        {
            _tracker.RecordFailure(Attacker, options, DigestFailure.WrongResponse);
            _tracker.ShouldThrottle(Attacker, options);
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.That(_tracker.ShouldThrottle(Attacker, options), Is.False, "only two of them lie inside the 60 s window");
    }

    [Test]
    public void ATrustedSourceIsNeverThrottled()
    {
        var options = _options with { MaxFailures = 4, TrustedNetworks = [IPNetwork.Parse("203.0.113.0/24")] };
        for (var i = 0; i < 10; i++)
        {
            _tracker.RecordFailure(Attacker, options, DigestFailure.WrongResponse);
            Assert.That(_tracker.ShouldThrottle(Attacker, options), Is.False);
        }
    }

    [Test]
    public void BansAfterMaxFailuresWithinTheWindow()
    {
        Assert.That(Fail(Attacker), Is.False);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.That(Fail(Attacker), Is.False);
        Assert.That(_tracker.IsBanned(Attacker), Is.False);
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.That(Fail(Attacker), Is.True);
        Assert.That(_tracker.IsBanned(Attacker), Is.True);
        Assert.That(_tracker.IsBanned(IPAddress.Parse("203.0.113.8")), Is.False);

        var ban = _tracker.GetBans().Single();
        Assert.That(ban.Source, Is.EqualTo(IPNetwork.Parse("203.0.113.7/32")));
        Assert.That(ban.BannedAt, Is.EqualTo(_time.GetUtcNow()));
        Assert.That(ban.Until, Is.EqualTo(_time.GetUtcNow() + TimeSpan.FromMinutes(10)));
        Assert.That(ban.Failures, Is.EqualTo(3));
    }

    [Test]
    public void BanIsLoggedExactlyOnceHoweverManyFailuresFollow()
    {
        for (var i = 0; i < 50; i++)
        {
            Fail(Attacker);
        }

        Assert.That(_logger.Count(BanEvent), Is.EqualTo(1));
        var entry = _logger.Entries.Single(e => e.Id.Id == BanEvent);
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(entry.Message, Does.Contain("203.0.113.7/32"));
        Assert.That(_logger.Entries.Where(e => e.Id.Id != BanEvent).Select(e => e.Level), Has.All.LessThanOrEqualTo(LogLevel.Debug));
    }

    [Test]
    public void FailuresSpreadBeyondTheWindowNeverBan()
    {
        // 3 failures need to fall within one minute; 31 s apart, any three span 62 s.
        for (var i = 0; i < 20; i++)
        {
            Assert.That(Fail(Attacker), Is.False, $"failure {i}");
            _time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.That(_tracker.IsBanned(Attacker), Is.False);
        Assert.That(_logger.Count(BanEvent), Is.Zero);
    }

    [Test]
    public void TheWindowSlidesRatherThanResetting()
    {
        // A fixed window starting at the first failure would reset at 60 s and miss the burst at 50-61 s.
        Fail(Attacker);
        _time.Advance(TimeSpan.FromSeconds(50));
        Fail(Attacker);
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.That(Fail(Attacker), Is.False, "first failure is 61 s old");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(Fail(Attacker), Is.True, "the last three span 12 s");
    }

    [Test]
    public void BanEndsAfterBanTimeAndCountingStartsAfresh()
    {
        for (var i = 0; i < 3; i++)
        {
            Fail(Attacker);
        }

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.That(_tracker.IsBanned(Attacker), Is.True);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_tracker.IsBanned(Attacker), Is.False);
        Assert.That(_tracker.GetBans(), Is.Empty);

        Assert.That(Fail(Attacker), Is.False, "one failure after the ban is one failure, not four");
        Assert.That(Fail(Attacker), Is.False);
        Assert.That(Fail(Attacker), Is.True);
        Assert.That(_logger.Count(BanEvent), Is.EqualTo(2), "a second ban is a second log line");
    }

    [Test]
    public void TrustedNetworksAreNeverBanned()
    {
        var options = _options with { TrustedNetworks = [IPNetwork.Parse("10.0.0.0/8")] };
        var office = IPAddress.Parse("10.1.2.3");
        for (var i = 0; i < 100; i++)
        {
            Assert.That(_tracker.RecordFailure(office, options, DigestFailure.WrongResponse), Is.False);
        }

        Assert.That(_tracker.IsBanned(office), Is.False);
        Assert.That(_tracker.TrackedCount, Is.Zero);
        Assert.That(_tracker.RecordFailure(IPAddress.Parse("::ffff:10.9.9.9"), options, DigestFailure.WrongResponse), Is.False);
        Assert.That(_tracker.TrackedCount, Is.Zero, "an IPv4-mapped address is matched against IPv4 networks");
    }

    [TestCase("127.0.0.1")]
    [TestCase("::1")]
    public void LoopbackIsBannableBecauseInteropTestsScanIt(string address)
    {
        var loopback = IPAddress.Parse(address);
        for (var i = 0; i < 3; i++)
        {
            Fail(loopback);
        }

        Assert.That(_tracker.IsBanned(loopback), Is.True);
    }

    [Test]
    public void Ipv6SourcesAreCountedPerSlash64()
    {
        Fail(IPAddress.Parse("2001:db8:1:2::1"));
        Fail(IPAddress.Parse("2001:db8:1:2::2"));
        Fail(IPAddress.Parse("2001:db8:1:3::1"));
        Assert.That(_tracker.IsBanned(IPAddress.Parse("2001:db8:1:2::99")), Is.False);

        Fail(IPAddress.Parse("2001:db8:1:2:ffff::1"));

        Assert.That(_tracker.IsBanned(IPAddress.Parse("2001:db8:1:2::99")), Is.True);
        Assert.That(_tracker.IsBanned(IPAddress.Parse("2001:db8:1:3::1")), Is.False);
        Assert.That(_tracker.GetBans().Single().Source, Is.EqualTo(IPNetwork.Parse("2001:db8:1:2::/64")));
    }

    [Test]
    public void Ipv4MappedAddressesCountAsIpv4()
    {
        Fail(IPAddress.Parse("::ffff:198.51.100.1"));
        Fail(IPAddress.Parse("198.51.100.1"));
        Fail(IPAddress.Parse("::ffff:198.51.100.1"));

        Assert.That(_tracker.IsBanned(IPAddress.Parse("198.51.100.1")), Is.True);
    }

    [Test]
    public void SuccessResetsTheCount()
    {
        Fail(Attacker);
        Fail(Attacker);
        _tracker.RecordSuccess(Attacker);

        Assert.That(Fail(Attacker), Is.False);
        Assert.That(Fail(Attacker), Is.False);
        Assert.That(_tracker.IsBanned(Attacker), Is.False);
    }

    [Test]
    public void SuccessDoesNotLiftABan()
    {
        for (var i = 0; i < 3; i++)
        {
            Fail(Attacker);
        }

        _tracker.RecordSuccess(Attacker);

        Assert.That(_tracker.IsBanned(Attacker), Is.True);
    }

    [Test]
    public void UnbanLiftsTheBanAndIsLogged()
    {
        for (var i = 0; i < 3; i++)
        {
            Fail(Attacker);
        }

        Assert.That(_tracker.Unban(Attacker), Is.True);
        Assert.That(_tracker.IsBanned(Attacker), Is.False);
        Assert.That(_tracker.Unban(Attacker), Is.False);
        Assert.That(_logger.Count(2302), Is.EqualTo(1));
    }

    [Test]
    public void TableStaysWithinItsCapacityUnderAWideScan()
    {
        var tracker = new AuthFailureTracker(_time, _logger, capacity: 100);
        for (var i = 0; i < 10_000; i++)
        {
            tracker.RecordFailure(new IPAddress(0x0A000000u + (uint)i), _options, DigestFailure.UnknownUser);
        }

        Assert.That(tracker.TrackedCount, Is.EqualTo(100));
        Assert.That(tracker.EvictedCount, Is.EqualTo(9_900));
    }

    [Test]
    public void CountingSourcesAreEvictedBeforeBans()
    {
        var tracker = new AuthFailureTracker(_time, _logger, capacity: 10);
        for (var i = 0; i < 3; i++)
        {
            tracker.RecordFailure(Attacker, _options, DigestFailure.UnknownUser);
        }

        for (var i = 0; i < 1_000; i++)
        {
            tracker.RecordFailure(new IPAddress(0x0A000000u + (uint)i), _options, DigestFailure.UnknownUser);
        }

        Assert.That(tracker.IsBanned(Attacker), Is.True);
        Assert.That(tracker.TrackedCount, Is.EqualTo(10));
    }

    [Test]
    public void WhenOnlyBansRemainTheOneEndingSoonestGoesFirst()
    {
        var tracker = new AuthFailureTracker(_time, _logger, capacity: 2);
        var first = IPAddress.Parse("192.0.2.1");
        var second = IPAddress.Parse("192.0.2.2");
        var third = IPAddress.Parse("192.0.2.3");
        foreach (var source in new[] { first, second })
        {
            for (var i = 0; i < 3; i++)
            {
                tracker.RecordFailure(source, _options, DigestFailure.UnknownUser);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        tracker.RecordFailure(third, _options, DigestFailure.UnknownUser);

        Assert.That(tracker.IsBanned(first), Is.False);
        Assert.That(tracker.IsBanned(second), Is.True);
        Assert.That(tracker.TrackedCount, Is.EqualTo(2));
    }

    [Test]
    public void SweepDropsEndedBansAndQuietSources()
    {
        for (var i = 0; i < 3; i++)
        {
            Fail(Attacker);
        }

        Fail(IPAddress.Parse("192.0.2.50"));
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.That(_tracker.Sweep(_options), Is.EqualTo(1), "the quiet source goes, the ban stays");
        Assert.That(_tracker.TrackedCount, Is.EqualTo(1));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(_tracker.Sweep(_options), Is.EqualTo(1));
        Assert.That(_tracker.TrackedCount, Is.Zero);
    }

    [Test]
    public void ChangedMaxFailuresTakesEffectOnTheNextFailure()
    {
        Fail(Attacker);
        Fail(Attacker);
        var stricter = _options with { MaxFailures = 1 };

        Assert.That(_tracker.RecordFailure(Attacker, stricter, DigestFailure.WrongResponse), Is.True);
    }

    private bool Fail(IPAddress source) => _tracker.RecordFailure(source, _options, DigestFailure.WrongResponse);
}
