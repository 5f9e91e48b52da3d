using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Sip.Transactions;

namespace CallCenter.Tests.Unit.Calls;

/// <summary>
/// Load the call layer refuses before it sets anything up, with 503 and Retry-After (RFC 3261 §21.5.4): an INVITE
/// that waited too long behind the server's backlog, and a call for which the relays have no descriptors left.
/// 1000 calls 1001 (phone 192.0.2.11).
/// </summary>
public sealed class CallAdmissionTests
{
    private const string Bob = "192.0.2.11";

    private static CallHarness Harness(TimeSpan? shedAfter = null, int? socketPairs = null, ListLoggerFactory? loggers = null)
    {
        var options = CallHarness.Options("1000", "1001");
        if (shedAfter is { } after)
        {
            options = options with { Calls = options.Calls with { ShedAfter = after } };
        }

        var harness = new CallHarness(options, loggers, media: o => o with { MaxOpenSocketPairs = socketPairs });
        harness.Register("1001", 1);

        // A timestamp of 0 means "unknown": start the clock elsewhere.
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        return harness;
    }

    [Test]
    public async Task AnInviteThatWaitedLongerThanShedAfterBehindABacklogIsRefusedWithoutRingingAnyone()
    {
        await using var harness = Harness();
        var receivedAt = harness.Time.GetTimestamp();
        harness.Time.Advance(TimeSpan.FromMilliseconds(501));

        var caller = harness.Dial("1000", "1001", receivedAt, backlog: 32);

        Assert.That(caller.Final.StatusCode, Is.EqualTo(503));
        Assert.That(caller.Final.GetHeaderValue("Retry-After"), Is.EqualTo("5"));
        Assert.That(harness.Manager.Shed, Is.EqualTo(1));
        Assert.That(harness.Manager.ActiveCalls, Is.Zero);
        Assert.That(harness.Media.ActiveRelays, Is.Zero);
        Assert.That(harness.Invites.Sent, Is.Empty);
    }

    [TestCase(499, 1000, TestName = "An INVITE that waited less than the delay is set up, whatever the backlog")]
    [TestCase(5000, 31, TestName = "A late INVITE with little behind it (the first call, compiling) is set up")]
    public async Task AnInviteIsSetUpUnlessBothLimitsArePassed(int waitedMs, int backlog)
    {
        await using var harness = Harness();
        var receivedAt = harness.Time.GetTimestamp();
        harness.Time.Advance(TimeSpan.FromMilliseconds(waitedMs));

        var caller = harness.Dial("1000", "1001", receivedAt, backlog);

        await CallHarness.UntilAsync(() => harness.Invites.To(Bob).Count == 1, "bob is rung");
        Assert.That(caller.HasFinalResponse, Is.False);
        Assert.That(harness.Manager.Shed, Is.Zero);
    }

    [Test]
    public async Task AZeroShedAfterSwitchesSheddingOff()
    {
        await using var harness = Harness(shedAfter: TimeSpan.Zero);
        var receivedAt = harness.Time.GetTimestamp();
        harness.Time.Advance(TimeSpan.FromSeconds(10));

        harness.Dial("1000", "1001", receivedAt, backlog: 1000);

        await CallHarness.UntilAsync(() => harness.Invites.To(Bob).Count == 1, "bob is rung");
        Assert.That(harness.Manager.Shed, Is.Zero);
    }

    [Test]
    public async Task ACallForWhichNoRelayIsLeftGets503BeforeAnythingIsAllocated()
    {
        // Two socket pairs: one relay.
        await using var harness = Harness(socketPairs: 2);
        harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => harness.Invites.To(Bob).Count == 1, "the first call rings bob");

        var second = harness.Dial("1000", "1001");

        Assert.That(second.Final.StatusCode, Is.EqualTo(503));
        Assert.That(second.Final.GetHeaderValue("Retry-After"), Is.EqualTo("5"));
        Assert.That(harness.Manager.RejectedOverload, Is.EqualTo(1));
        Assert.That(harness.Manager.ActiveCalls, Is.EqualTo(1));
        Assert.That(harness.Invites.To(Bob), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AStormOfRefusedInvitesLogsTheFirstAndTheTenthNotEachOne()
    {
        var loggers = new ListLoggerFactory();
        await using var harness = Harness(socketPairs: 2, loggers: loggers);
        harness.Dial("1000", "1001");
        await CallHarness.UntilAsync(() => harness.Invites.To(Bob).Count == 1, "the first call rings bob");

        var refused = Enumerable.Range(0, 11).Select(_ => harness.Dial("1000", "1001")).ToList();

        Assert.That(refused.Select(r => r.Final.StatusCode), Is.All.EqualTo(503));
        Assert.That(harness.Manager.RejectedOverload, Is.EqualTo(11));
        var lines = loggers.Entries.Where(e => e.EventId == 3010).Select(e => e.Message).ToList();
        Assert.That(lines, Has.Count.EqualTo(2), () => string.Join("\n", lines));
        Assert.That(lines[0], Does.Contain("1 refused so far"));
        Assert.That(lines[1], Does.Contain("10 refused so far"));
    }
}
