using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using CallCenter.Tests.Unit.Acd;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using static CallCenter.Tests.Unit.Acd.AcdTestBed;

namespace CallCenter.Tests.Integration.Storage;

/// <summary>
/// The router's records through the real SQLite database (migration 0004): a scripted scenario whose KPIs are
/// worked out by hand, and agents' pause reasons across a restart.
/// </summary>
public sealed class AcdStoreTests
{
    private TempFolder _folder = null!;
    private StorageOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder("cc-acd");
        _options = new StorageOptions { DataFolder = _folder.Combine("data"), RecordingsFolder = _folder.Combine("rec") };
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    private static QueueOptions Scenario(ServiceLevelFormula formula) => Queue("q") with
    {
        WrapUp = TimeSpan.FromSeconds(5),
        RingTimeout = TimeSpan.FromSeconds(15),
        RetryDelay = TimeSpan.FromSeconds(5),
        ServiceLevelThreshold = TimeSpan.FromSeconds(20),
        ServiceLevelFormula = formula,
    };

    /// <summary>
    /// Agents x and y, longest idle, wrap-up 5 s, service level 20 s. Times in seconds:
    /// c1 joins at 0, x answers at 3, caller hangs up at 64 (talk 61, then 5 s wrap-up).
    /// c2 joins at 0, y lets it ring out (15), it is offered to y again after the retry (20), y answers at 25,
    /// hangs up at 55 after 30 s of talk of which the call layer reports 10 s hold (5 s wrap-up).
    /// c3 joins at 30 and abandons at 40 (wait 10). c4 joins at 50, y leaves wrap-up at 60, answers at 62, hangs up
    /// at 82 (talk 20). c5 joins at 70, rings x, abandons at 75 (wait 5). c6 joins at 90, x answers at once and is
    /// still talking when the KPIs are read at 200.
    /// Queue: offered 6, answered 4 (waits 3, 25, 12, 0), 3 within 20 s; abandoned 2 (10 s, 5 s);
    /// ASA (3+25+12+0)/4 = 10 s; AHT over the 3 ended calls (61+5, 20+10+5, 20+5)/3 = 42 s (talk excludes hold).
    /// </summary>
    [TestCase(ServiceLevelFormula.Answered, 3.0 / 4, "answered within 20 s / answered")]
    [TestCase(ServiceLevelFormula.Offered, 3.0 / 6, "answered within 20 s / offered")]
    [TestCase(ServiceLevelFormula.OfferedExcludingShortAbandons, 3.0 / 4, "answered within 20 s / (offered - abandoned within 20 s)")]
    [TestCase(ServiceLevelFormula.ShortAbandonsMet, 5.0 / 6, "(answered within 20 s + abandoned within 20 s) / offered")]
    public async Task KpisComputedFromTheStoreMatchTheScriptedScenarioExactly(ServiceLevelFormula formula, double serviceLevel, string formulaText)
    {
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        var queue = Scenario(formula);
        var t0 = new FakeTimeProvider().GetUtcNow();
        await using (var store = AcdStore.Open(database, TimeProvider.System, NullLoggerFactory.Instance))
        {
            RunScenario(queue, store.Writer);
            await store.Writer.FlushAsync();

            var kpis = store.Kpis.ForQueue(queue, t0, t0.AddSeconds(200), shortAbandon: TimeSpan.FromSeconds(8));
            Assert.Multiple(() =>
            {
                Assert.That(kpis.Offered, Is.EqualTo(6));
                Assert.That(kpis.Answered, Is.EqualTo(4));
                Assert.That(kpis.AnsweredWithinThreshold, Is.EqualTo(3));
                Assert.That(kpis.Abandoned, Is.EqualTo(2));
                Assert.That(kpis.AbandonedWithinThreshold, Is.EqualTo(2));
                Assert.That(kpis.AbandonedWithin, Is.EqualTo(1), "only c5 (5 s) hung up within 8 s");
                Assert.That(kpis.TimedOut + kpis.Overflowed + kpis.OtherExits + kpis.Refused + kpis.Unresolved, Is.Zero);
                Assert.That(kpis.ServiceLevel, Is.EqualTo(serviceLevel).Within(1e-12));
                Assert.That(kpis.FormulaText, Is.EqualTo(formulaText));
                Assert.That(kpis.AverageSpeedOfAnswer, Is.EqualTo(TimeSpan.FromSeconds(10)));
                Assert.That(kpis.AverageHandleTime, Is.EqualTo(TimeSpan.FromSeconds(42)));
                Assert.That(kpis.LongestAnsweredWait, Is.EqualTo(TimeSpan.FromSeconds(25)));
            });

            var intervals = store.Kpis.ForQueueByInterval(queue, t0, t0.AddSeconds(120), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(8));
            Assert.That(intervals.Select(i => (i.Offered, i.Answered, i.Abandoned)), Is.EqualTo(new[] { (4, 3, 1), (2, 1, 1) }));

            // x: ringing 0-3, on a call 3-64, wrap-up 64-69, free 69-70, ringing 70-75 (c5 left), free 75-90, on a call 90-200.
            var x = store.Kpis.ForAgent("x", t0, t0.AddSeconds(200), now: t0.AddSeconds(200));
            Assert.Multiple(() =>
            {
                Assert.That((x.Answered, x.MissedOffers), Is.EqualTo((2, 0)));
                Assert.That((x.Available, x.Ringing, x.OnCall, x.WrapUp), Is.EqualTo((Seconds(16), Seconds(8), Seconds(171), Seconds(5))));
                Assert.That(x.Occupancy, Is.EqualTo(176.0 / 200).Within(1e-12));
                Assert.That(x.AverageHandleTime, Is.EqualTo(Seconds(66)));
            });

            // y: ringing 0-15 (missed), free 15-20, ringing 20-25, on a call 25-55, wrap-up 55-60, ringing 60-62,
            // on a call 62-82, wrap-up 82-87, free 87-200.
            var y = store.Kpis.ForAgent("y", t0, t0.AddSeconds(200), now: t0.AddSeconds(200));
            Assert.Multiple(() =>
            {
                Assert.That((y.Answered, y.MissedOffers), Is.EqualTo((2, 1)));
                Assert.That((y.Available, y.Ringing, y.OnCall, y.WrapUp), Is.EqualTo((Seconds(118), Seconds(22), Seconds(50), Seconds(10))));
                Assert.That((y.TalkTime, y.HoldTime, y.WrapUpTime), Is.EqualTo((Seconds(40), Seconds(10), Seconds(10))));
                Assert.That(y.AverageHandleTime, Is.EqualTo(Seconds(30)));
                Assert.That(y.Occupancy, Is.EqualTo(60.0 / 200).Within(1e-12));
            });

            Assert.That(store.Kpis.AbandonedForCallback("q", t0, t0.AddSeconds(200)).Select(a => (a.CallerId, a.Wait, a.Position)),
                Is.EqualTo(new[] { ("c3", Seconds(10), (int?)1), ("c5", Seconds(5), (int?)1) }));
        }
    }

    [Test]
    public async Task ACallerWhoseCallbackWentUnansweredIsOnTheCallbackListAndOneCalledBackIsNot()
    {
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        var t0 = new FakeTimeProvider().GetUtcNow();
        await using (var store = AcdStore.Open(database, TimeProvider.System, NullLoggerFactory.Instance))
        {
            AcdQueueRecord At(int seconds, string caller, AcdQueueEventType type, string? agent = null) =>
                new(t0.AddSeconds(seconds), "q", caller, agent, type) { Wait = TimeSpan.FromSeconds(seconds), Position = 1 };

            foreach (var record in new[]
            {
                At(0, "failed", AcdQueueEventType.EnterQueue), At(5, "failed", AcdQueueEventType.CallbackRequest),
                At(0, "served", AcdQueueEventType.EnterQueue), At(6, "served", AcdQueueEventType.CallbackRequest),
                At(30, "failed", AcdQueueEventType.CallbackFailed), At(40, "served", AcdQueueEventType.Connect, "x"),
            })
            {
                ((IAcdRecordSink)store.Writer).Queue(record);
            }

            await store.Writer.FlushAsync();

            var list = store.Kpis.AbandonedForCallback("q", t0, t0.AddSeconds(100));
            Assert.That(list.Select(a => (a.CallerId, a.CallbackFailed, a.Wait)), Is.EqualTo(new[] { ("failed", true, TimeSpan.FromSeconds(30)) }));
        }
    }

    [Test]
    public async Task APauseReasonSurvivesARestartThroughTheStore()
    {
        var queues = QueuesOf(Queue("q"));
        var agents = AgentsOf(Agent("x", "q"), Agent("y", "q"));
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        await using (var store = AcdStore.Open(database, TimeProvider.System, NullLoggerFactory.Instance))
        {
            var router = new AcdRouter(queues, agents, new FakeTimeProvider(), new RecordingCallControl(), store.Writer, NullLogger<AcdRouter>.Instance);
            router.Login("x", "1000");
            router.Login("y", "1001");
            router.SetNotReady("x", "lunch");
            router.SetReady("x");
            router.TogglePause("x");
            router.SetNotReady("y", "break");
            router.SetReady("y");
        }

        await using var restarted = AcdStore.Open(database, TimeProvider.System, NullLoggerFactory.Instance);
        var saved = await restarted.LoadLastAgentStatesAsync(CancellationToken.None);
        var router2 = new AcdRouter(queues, agents, new FakeTimeProvider(), new RecordingCallControl(), restarted.Writer, NullLogger<AcdRouter>.Instance);
        router2.Restore(saved);

        var snapshot = router2.Snapshot().Agents;
        Assert.That(snapshot.Select(a => (a.Id, a.State, a.Reason, a.Extension)), Is.EqualTo(new[]
        {
            ("x", AgentState.NotReady, (string?)"lunch", (string?)"1000"),
            ("y", AgentState.Available, null, "1001"),
        }));
        Assert.That(router2.TogglePause("y"), Is.EqualTo(AgentCommandResult.Done));
        Assert.That(router2.Snapshot().Agents[1].Reason, Is.EqualTo("break"), "y's last reason came back with it");
    }

    [Test]
    public async Task TheWriterIsBoundedAndCountsWhatItDrops()
    {
        using var database = await Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);
        await using var store = AcdStore.Open(database, TimeProvider.System, NullLoggerFactory.Instance, capacity: 3);
        using (var connection = database.OpenConnection())
        {
            // Hold the write lock so that nothing drains while the test fills the queue.
            connection.Execute("BEGIN IMMEDIATE;");
            var at = DateTimeOffset.UnixEpoch;
            var accepted = Enumerable.Range(0, 10).Count(i => store.Writer.TryAdd(new AcdQueueRecord(at, "q", $"c{i}", null, AcdQueueEventType.EnterQueue)));
            Assert.That(accepted, Is.InRange(3, 6), "at most the capacity, plus what the writer took before the lock stopped it");
            Assert.That(store.Writer.Dropped, Is.EqualTo(10 - accepted));
            connection.Execute("ROLLBACK;");
        }
    }

    private static TimeSpan Seconds(double value) => TimeSpan.FromSeconds(value);

    private static void RunScenario(QueueOptions queue, IAcdRecordSink records)
    {
        var clock = new FakeTimeProvider();
        var control = new RecordingCallControl();
        var router = new AcdRouter(QueuesOf(queue), AgentsOf(Agent("x", "q"), Agent("y", "q")), clock, control, records, NullLogger<AcdRouter>.Instance);
        var now = 0.0;
        void At(double seconds)
        {
            clock.Advance(TimeSpan.FromSeconds(seconds - now));
            now = seconds;
        }

        long OfferOf(string caller, string agent) => control.Offers.Last(o => o.CallerId == caller && o.AgentId == agent).OfferId;

        router.Login("x", "1000");
        router.Login("y", "1001");
        router.Join(new CallerRequest("c1", "q"));
        router.Join(new CallerRequest("c2", "q"));
        At(3);
        router.OfferAnswered(OfferOf("c1", "x"));
        At(25);
        router.OfferAnswered(OfferOf("c2", "y"));
        At(30);
        router.Join(new CallerRequest("c3", "q"));
        At(40);
        router.CallerHungUp("c3");
        At(50);
        router.Join(new CallerRequest("c4", "q"));
        At(55);
        control.HungUp("y");
        router.AgentHungUp("c2", hold: TimeSpan.FromSeconds(10));
        At(62);
        router.OfferAnswered(OfferOf("c4", "y"));
        At(64);
        control.HungUp("x");
        router.CallerHungUp("c1");
        At(70);
        router.Join(new CallerRequest("c5", "q"));
        At(75);
        router.CallerHungUp("c5");
        At(82);
        control.HungUp("y");
        router.AgentHungUp("c4");
        At(90);
        router.Join(new CallerRequest("c6", "q"));
        router.OfferAnswered(OfferOf("c6", "x"));
        At(200);
        Assert.That(control.Violations, Is.Empty);
        Assert.That(control.Offers.Select(o => $"{o.CallerId}->{o.AgentId}"),
            Is.EqualTo(new[] { "c1->x", "c2->y", "c2->y", "c4->y", "c5->x", "c6->x" }), "the scenario went as scripted");
    }
}
