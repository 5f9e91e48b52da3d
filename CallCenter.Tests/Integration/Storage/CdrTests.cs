using System.Diagnostics;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Core.Telephony;
using CallCenter.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Storage;

/// <summary>Call detail records through the real SQLite database (migration 0003), on the fake clock.</summary>
public sealed class CdrTests
{
    private TempFolder _folder = null!;
    private StorageOptions _options = null!;
    private FakeTimeProvider _time = null!;
    private ListLogger<CdrStore> _log = null!;
    private DateTimeOffset _t0;

    [SetUp]
    public void SetUp()
    {
        _folder = new TempFolder("cc-cdr");
        _options = new StorageOptions { DataFolder = _folder.Combine("data"), RecordingsFolder = _folder.Combine("rec") };
        _time = new FakeTimeProvider();
        _log = new ListLogger<CdrStore>();
        _t0 = _time.GetUtcNow();
    }

    [TearDown]
    public void TearDown()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Test]
    public async Task AnEmptyDatabaseGetsTheCdrAndCelTables()
    {
        using var database = await OpenDatabaseAsync();

        Assert.That(database.SchemaVersion, Is.EqualTo(MigrationCatalog.All.Length));
        using var connection = database.OpenConnection();
        Assert.That(
            connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('cdr', 'cel') ORDER BY name;"),
            Is.EqualTo(new[] { "cdr", "cel" }));
        Assert.That(
            connection.Query<string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr';"),
            Is.SupersetOf(new[] { "ix_cdr_start", "ix_cdr_src", "ix_cdr_dst", "ix_cdr_open" }));
        Assert.That(
            connection.Query<string>("SELECT name FROM schema_migrations ORDER BY version;"),
            Is.EqualTo(MigrationCatalog.All.Select(m => m.Name)).And.Contains("cdr"));
    }

    [Test]
    public async Task AVersionTwoDatabaseIsMigratedAndKeepsWhatItHeld()
    {
        using (var old = await Database.OpenAsync(_options, [.. MigrationCatalog.All.Take(2)], NullLogger<Database>.Instance, CancellationToken.None))
        {
            Assert.That(old.SchemaVersion, Is.EqualTo(2));
            using var connection = old.OpenConnection();
            connection.Execute("INSERT INTO service_events (at_utc, node, kind, detail) VALUES ('2025-12-31T23:00:00.0000000+00:00', 'cc1', 'started', NULL);");
            connection.Execute(
                "INSERT INTO registrations (id, extension, contact_uri, q, call_id, cseq, expires_utc, registered_utc, updated_utc, user_agent, " +
                "transport, received_address, received_port, listener, connection_id) VALUES " +
                "(7, '1000', 'sip:1000@192.0.2.10', NULL, 'c', 1, 'x', 'x', 'x', NULL, 'udp', '192.0.2.10', 5060, NULL, 0);");
            Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'cdr';"), Is.Zero);
        }

        SqliteConnection.ClearAllPools();
        using var database = await OpenDatabaseAsync();
        Assert.That(database.SchemaVersion, Is.EqualTo(MigrationCatalog.All.Length));
        using (var connection = database.OpenConnection())
        {
            Assert.That(connection.ExecuteScalar<string>("SELECT extension FROM registrations WHERE id = 7;"), Is.EqualTo("1000"));
            Assert.That(connection.ExecuteScalar<string>("SELECT kind FROM service_events;"), Is.EqualTo("started"));
        }

        await using var store = await OpenStoreAsync(database);
        store.Writer.Open(Opened("after-upgrade", _t0));
        await store.Writer.FlushAsync();
        Assert.That((await store.Records.GetAsync("after-upgrade", CancellationToken.None))!.State, Is.EqualTo("open"));
    }

    [Test]
    public async Task OpenAnswerAndEndMakeOneRowWithAsteriskDurations()
    {
        using var database = await OpenDatabaseAsync();
        await using var store = await OpenStoreAsync(database);

        store.Writer.Open(Opened("call-1", _t0) with { CallerName = "Front Desk", DestinationContext = "extension" });
        await store.Writer.FlushAsync();
        var open = (await store.Records.GetAsync("call-1", CancellationToken.None))!;
        Assert.That(open.State, Is.EqualTo("open"), "the row exists from the first INVITE");
        Assert.That(open.Duration, Is.Null);
        Assert.That(open.Billsec, Is.Null);

        _time.Advance(TimeSpan.FromMilliseconds(2_500));
        store.Writer.Answer(new CallAnswered("call-1", _time.GetUtcNow(), "leg-b-1", "1002"));
        _time.Advance(TimeSpan.FromMilliseconds(61_999));
        store.Writer.End(new CallEnded("call-1", _time.GetUtcNow(), CdrDisposition.Answered, Q850.NormalClearing, null, HangupParty.Callee));
        await store.Writer.FlushAsync();

        var row = (await store.Records.GetAsync("call-1", CancellationToken.None))!;
        Assert.That(row.StartUtc, Is.EqualTo(_t0));
        Assert.That(row.AnswerUtc, Is.EqualTo(_t0.AddMilliseconds(2_500)));
        Assert.That(row.EndUtc, Is.EqualTo(_t0.AddMilliseconds(64_499)));
        Assert.That(row.DurationMs, Is.EqualTo(64_499));
        Assert.That(row.BillsecMs, Is.EqualTo(61_999));
        Assert.That(row.Duration, Is.EqualTo(64), "whole seconds, truncated as Asterisk writes them");
        Assert.That(row.Billsec, Is.EqualTo(61));
        Assert.That(row.Disposition, Is.EqualTo("ANSWERED"));
        Assert.That(row.HangupCause, Is.EqualTo(16));
        Assert.That(row.HangupSipCode, Is.Null);
        Assert.That(row.HangupBy, Is.EqualTo("callee"));
        Assert.That(row.State, Is.EqualTo("closed"));
        Assert.That(row.Source, Is.EqualTo("1001"));
        Assert.That(row.CallerName, Is.EqualTo("Front Desk"));
        Assert.That(row.Destination, Is.EqualTo("1002"));
        Assert.That(row.DestinationContext, Is.EqualTo("extension"));
        Assert.That(row.ALegId, Is.EqualTo("leg-a-call-1"));
        Assert.That(row.BLegId, Is.EqualTo("leg-b-1"));
        Assert.That(row.AnsweredBy, Is.EqualTo("1002"));
        Assert.That(row.SipCallId, Is.EqualTo("sip-call-1@192.0.2.10"));
        Assert.That(row.LinkedId, Is.EqualTo("call-1"));
        using var connection = database.OpenConnection();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM cdr;"), Is.EqualTo(1));
        Assert.That(store.Writer.Written, Is.EqualTo(3));
        Assert.That(store.Writer.Unmatched, Is.Zero);
    }

    [Test]
    public async Task AnUnansweredCallHasNoBillingTimeAndTheDispositionOfItsCause()
    {
        using var database = await OpenDatabaseAsync();
        await using var store = await OpenStoreAsync(database);
        Assert.That(Q850.TryFromSipStatus(486, out var busy), Is.True);

        store.Writer.Open(Opened("busy", _t0));
        _time.Advance(TimeSpan.FromSeconds(4));
        store.Writer.End(new CallEnded("busy", _time.GetUtcNow(), CdrDispositions.ForUnansweredCause(busy), busy, 486, HangupParty.Callee));
        store.Writer.Open(Opened("abandoned", _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(20));
        store.Writer.End(new CallEnded(
            "abandoned", _time.GetUtcNow(), CdrDispositions.ForUnansweredCause(Q850.NormalClearing), Q850.NormalClearing, 487, HangupParty.Caller));
        await store.Writer.FlushAsync();

        var row = (await store.Records.GetAsync("busy", CancellationToken.None))!;
        Assert.That(row.Disposition, Is.EqualTo("BUSY"));
        Assert.That((row.Duration, row.Billsec, row.BillsecMs), Is.EqualTo((4L, 0L, 0L)));
        Assert.That((row.HangupCause, row.HangupSipCode, row.HangupBy), Is.EqualTo((17, 486, "callee")));
        Assert.That(row.AnswerUtc, Is.Null);
        Assert.That(row.BLegId, Is.Null);

        var abandoned = (await store.Records.GetAsync("abandoned", CancellationToken.None))!;
        Assert.That((abandoned.Disposition, abandoned.Duration, abandoned.Billsec), Is.EqualTo(("NO ANSWER", 20L, 0L)));
        Assert.That(abandoned.HangupBy, Is.EqualTo("caller"));
    }

    [Test]
    public async Task AnAnsweredCallStaysAnsweredAndItsFirstAnswerAndEndCount()
    {
        using var database = await OpenDatabaseAsync();
        await using var store = await OpenStoreAsync(database);

        store.Writer.Open(Opened("twice", _t0));
        await store.Writer.FlushAsync();
        store.Writer.Answer(new CallAnswered("twice", _t0.AddSeconds(1), "leg-b-first", "1002"));
        await store.Writer.FlushAsync();
        store.Writer.Answer(new CallAnswered("twice", _t0.AddSeconds(3), "leg-b-second", "1003"));
        store.Writer.End(new CallEnded("twice", _t0.AddSeconds(10), CdrDisposition.Failed, Q850.TemporaryFailure, 503, HangupParty.System));
        await store.Writer.FlushAsync();
        store.Writer.End(new CallEnded("twice", _t0.AddSeconds(99), CdrDisposition.Busy, Q850.UserBusy, 486, HangupParty.Caller));
        await store.Writer.FlushAsync();

        var row = (await store.Records.GetAsync("twice", CancellationToken.None))!;
        Assert.That(row.BLegId, Is.EqualTo("leg-b-first"), "billing starts at the first answer");
        Assert.That(row.Billsec, Is.EqualTo(9));
        Assert.That(row.Disposition, Is.EqualTo("ANSWERED"), "an answered call is ANSWERED however it ended");
        Assert.That((row.HangupCause, row.HangupSipCode, row.HangupBy), Is.EqualTo((41, 503, "system")));
        Assert.That(row.EndUtc, Is.EqualTo(_t0.AddSeconds(10)), "a second end of a closed call changes nothing");
        Assert.That(store.Writer.Unmatched, Is.EqualTo(2), "the late answer and the second end found no open row");
    }

    /// <summary>An IVR call: the server answers it (no phone's leg), billing starts there; the extension or agent that
    /// answers later gives it its dstchannel and answered-by but not a new answer time. Both through the database
    /// (answers in separate batches) and coalesced in one pending entry.</summary>
    [TestCase(true)]
    [TestCase(false)]
    public async Task AServerAnswerSetsTheBillingStartAndThePhonesLaterAnswerFillsInWhoAnswered(bool flushBetween)
    {
        using var database = await OpenDatabaseAsync();
        await using var store = await OpenStoreAsync(database);

        store.Writer.Open(Opened("ivr", _t0));
        store.Writer.Answer(new CallAnswered("ivr", _t0.AddSeconds(1), null, null));
        if (flushBetween)
        {
            await store.Writer.FlushAsync();
        }

        store.Writer.Answer(new CallAnswered("ivr", _t0.AddSeconds(8), "leg-b-agent", "1002"));
        store.Writer.Answer(new CallAnswered("ivr", _t0.AddSeconds(9), "leg-b-other", "1003"));
        store.Writer.End(new CallEnded("ivr", _t0.AddSeconds(21), CdrDisposition.Answered, Q850.NormalClearing, null, HangupParty.Caller));
        await store.Writer.FlushAsync();

        var row = (await store.Records.GetAsync("ivr", CancellationToken.None))!;
        Assert.That(row.AnswerUtc, Is.EqualTo(_t0.AddSeconds(1)), "billing starts when the server answered the caller");
        Assert.That(row.Billsec, Is.EqualTo(20));
        Assert.That((row.BLegId, row.AnsweredBy), Is.EqualTo(("leg-b-agent", "1002")), "the first phone to answer after it");
        Assert.That(row.Disposition, Is.EqualTo("ANSWERED"));
    }

    [Test]
    public async Task EventsAreStoredInTheOrderTheyWereReported()
    {
        using var database = await OpenDatabaseAsync();
        await using var store = await OpenStoreAsync(database);
        var types = new[]
        {
            CelEventType.ChannelStart, CelEventType.ChannelStart, CelEventType.Ring, CelEventType.Answer, CelEventType.BridgeEnter,
            CelEventType.Hold, CelEventType.Unhold, CelEventType.BlindTransfer, CelEventType.BridgeExit, CelEventType.Hangup,
            CelEventType.Hangup, CelEventType.ChannelEnd, CelEventType.LinkedIdEnd,
        };

        store.Writer.Open(Opened("evented", _t0));
        for (var i = 0; i < types.Length; i++)
        {
            var leg = i % 2 == 0 ? "leg-a" : "leg-b";
            store.Writer.Event(new CallEvent("evented", "evented", leg, types[i], _t0.AddMilliseconds(i * 10), i == 7 ? "{\"target\":\"1003\"}" : null));
            store.Writer.Event(new CallEvent("other", "other", "leg-x", CelEventType.UserDefined, _t0, null));
            if (i % 4 == 0)
            {
                await store.Writer.FlushAsync();
            }
        }

        await store.Writer.FlushAsync();

        var events = await store.Events.ForCallAsync("evented", CancellationToken.None);
        Assert.That(
            events.Select(e => e.EventType),
            Is.EqualTo(new[]
            {
                "CHAN_START", "CHAN_START", "RING", "ANSWER", "BRIDGE_ENTER", "HOLD", "UNHOLD", "BLINDTRANSFER", "BRIDGE_EXIT", "HANGUP",
                "HANGUP", "CHAN_END", "LINKEDID_END",
            }));
        Assert.That(events.Select(e => e.EventUtc), Is.Ordered);
        Assert.That(events.Select(e => e.Id), Is.Ordered.And.Unique);
        Assert.That(events.Select(e => e.LegId).Take(2), Is.EqualTo(new[] { "leg-a", "leg-b" }));
        Assert.That(events[7].Extra, Is.EqualTo("{\"target\":\"1003\"}"));
        Assert.That(events[0].Extra, Is.Null);
        Assert.That(store.Writer.Batches, Is.GreaterThan(1), "the events crossed several batches");
    }

    [Test]
    public async Task ReportsArrivingWithinTheBatchWindowAreCommittedTogether()
    {
        using var database = await OpenDatabaseAsync();
        await using var writer = NewWriter(database);
        writer.Start();
        writer.Open(Opened("first", _t0));
        Assert.That(await PollAsync(() => writer.Batches == 1), Is.True, "the first report after a quiet spell is written at once");

        for (var i = 0; i < 50; i++)
        {
            writer.Open(Opened($"burst-{i}", _t0));
            writer.Event(new CallEvent($"burst-{i}", $"burst-{i}", "leg-a", CelEventType.ChannelStart, _t0));
        }

        // Real time passes, fake time does not: the writer is still inside its 100 ms window.
        await Task.Delay(200);
        Assert.That(writer.Batches, Is.EqualTo(1));
        Assert.That(writer.Depth, Is.EqualTo(100));

        _time.Advance(CdrWriter.BatchWindow);

        Assert.That(await PollAsync(() => writer.Batches == 2 && writer.Written == 101), Is.True, "a hundred reports, one commit");
        using var connection = database.OpenConnection();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM cdr;"), Is.EqualTo(51));
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM cel;"), Is.EqualTo(50));
    }

    [Test]
    public async Task AnOpenAnswerAndEndOfOneCallWaitAsOneEntryAndLandTogether()
    {
        using var database = await OpenDatabaseAsync();
        await using var writer = NewWriter(database);
        writer.Open(Opened("quick", _t0));
        writer.Answer(new CallAnswered("quick", _t0.AddSeconds(1), "leg-b", null));
        writer.End(new CallEnded("quick", _t0.AddSeconds(2), CdrDisposition.Answered, Q850.NormalClearing, null, HangupParty.Caller));
        Assert.That(writer.Depth, Is.EqualTo(1));

        writer.Start();
        await writer.FlushAsync();

        Assert.That((writer.Batches, writer.Written), Is.EqualTo((1L, 3L)));
        using var connection = database.OpenConnection();
        var row = connection.QuerySingle<(string State, long Duration, long Billsec)>("SELECT state, duration, billsec FROM cdr WHERE unique_id = 'quick';");
        Assert.That(row, Is.EqualTo(("closed", 2L, 1L)));
    }

    [Test]
    public async Task AFullQueueDropsAndCountsWithoutBlocking()
    {
        using var database = await OpenDatabaseAsync();
        var log = new ListLogger<CdrWriter>();

        // Not started: nothing drains, as when the disk has stalled.
        await using var writer = new CdrWriter(new CdrRepository(database), _time, log, capacity: 8);
        for (var i = 0; i < 8; i++)
        {
            Assert.That(writer.Open(Opened($"call-{i}", _t0)), Is.True);
        }

        Assert.That(writer.Open(Opened("one-too-many", _t0)), Is.False);
        Assert.That(writer.Event(new CallEvent("call-0", "call-0", "leg-a", CelEventType.Ring, _t0)), Is.False);
        Assert.That(writer.Answer(new CallAnswered("call-0", _t0, "leg-b", null)), Is.True, "a pending call takes its answer without growing");

        // The end of a call already on disk may use the reserve (a quarter of the capacity: 2 here), then no more.
        Assert.That(writer.End(Ended("on-disk-1")), Is.True);
        Assert.That(writer.End(Ended("on-disk-2")), Is.True);
        Assert.That(writer.End(Ended("on-disk-3")), Is.False);
        Assert.That(writer.Depth, Is.EqualTo(10));

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 100_000; i++)
        {
            writer.Open(Opened($"flood-{i}", _t0));
        }

        stopwatch.Stop();
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "a refused report returns at once");
        Assert.That(writer.Dropped, Is.EqualTo(100_003));
        Assert.That(writer.Depth, Is.EqualTo(10));
        Assert.That(log.Entries.Count(e => e.EventId == 1212), Is.EqualTo(1), "one warning per episode, not one per drop");

        writer.Start();
        await writer.FlushAsync();

        Assert.That(writer.Depth, Is.Zero);
        Assert.That(writer.Unmatched, Is.EqualTo(2), "the two ends had no row in this database");
        using var connection = database.OpenConnection();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM cdr;"), Is.EqualTo(8));
        Assert.That(connection.ExecuteScalar<string>("SELECT b_leg_id FROM cdr WHERE unique_id = 'call-0';"), Is.EqualTo("leg-b"));
        Assert.That(log.Entries.Single(e => e.EventId == 1213).Message, Does.Contain("100003 reports were dropped"));
    }

    [Test]
    public async Task ABatchThatCannotBeWrittenIsKeptAndWrittenOnRetry()
    {
        _options = _options with { BusyTimeout = TimeSpan.FromMilliseconds(100) };
        using var database = await OpenDatabaseAsync();
        var log = new ListLogger<CdrWriter>();
        await using var writer = new CdrWriter(new CdrRepository(database), _time, log);
        using var blocker = database.OpenConnection();
        blocker.Execute("BEGIN IMMEDIATE;");
        writer.Start();

        writer.Open(Opened("blocked", _t0));
        Assert.That(await PollAsync(() => writer.Failures == 1), Is.True, "the database is locked by another writer");
        writer.End(Ended("blocked"));
        Assert.That(writer.Depth, Is.EqualTo(1), "the failed open and the new end are one entry again");

        blocker.Execute("COMMIT;");

        // The retry waits five seconds of the fake clock; keep them coming until the writer has armed its wait.
        Assert.That(await PollAsync(() => writer.Batches == 1, () => _time.Advance(TimeSpan.FromSeconds(5))), Is.True);
        Assert.That(log.Entries.Select(e => e.EventId), Is.SupersetOf(new[] { 1210, 1211 }));
        using var connection = database.OpenConnection();
        Assert.That(connection.ExecuteScalar<string>("SELECT state FROM cdr WHERE unique_id = 'blocked';"), Is.EqualTo("closed"));
        Assert.That(writer.Failures, Is.EqualTo(1), "the failure is logged once, retried after the delay");
    }

    [Test]
    public async Task ARestartClosesOpenRowsAsInterruptedAtTheLastSignOfLife()
    {
        using (var database = await OpenDatabaseAsync())
        {
            await using var store = await OpenStoreAsync(database);
            store.Writer.Open(Opened("talking", _t0));
            store.Writer.Answer(new CallAnswered("talking", _t0.AddSeconds(5), "leg-b", "1002"));
            store.Writer.Open(Opened("ringing", _t0.AddSeconds(10)));
            store.Writer.Open(Opened("finished", _t0.AddSeconds(1)));
            store.Writer.End(new CallEnded("finished", _t0.AddSeconds(3), CdrDisposition.NoAnswer, Q850.NormalClearing, 487, HangupParty.Caller));
            await store.Writer.FlushAsync();
            _time.Advance(TimeSpan.FromSeconds(30));
            await new ServiceEventLog(database, _time).AppendAsync("cc1", "config-applied", "generation 2", CancellationToken.None);

            // The process dies here: the two open calls never report an end.
        }

        SqliteConnection.ClearAllPools();
        _time.Advance(TimeSpan.FromHours(1));

        using var restarted = await OpenDatabaseAsync();
        await using var after = await OpenStoreAsync(restarted);

        var talking = (await after.Records.GetAsync("talking", CancellationToken.None))!;
        Assert.That(talking.State, Is.EqualTo("interrupted"));
        Assert.That(talking.EndUtc, Is.EqualTo(_t0.AddSeconds(30)), "the last time the server is known alive");
        Assert.That((talking.Duration, talking.Billsec), Is.EqualTo((30L, 25L)));
        Assert.That(talking.Disposition, Is.EqualTo("ANSWERED"));
        Assert.That((talking.HangupCause, talking.HangupSipCode, talking.HangupBy), Is.EqualTo((41, (int?)null, "system")));

        var ringing = (await after.Records.GetAsync("ringing", CancellationToken.None))!;
        Assert.That((ringing.State, ringing.Disposition, ringing.Duration, ringing.Billsec), Is.EqualTo(("interrupted", "FAILED", 20L, 0L)));

        var finished = (await after.Records.GetAsync("finished", CancellationToken.None))!;
        Assert.That((finished.State, finished.Disposition, finished.Duration), Is.EqualTo(("closed", "NO ANSWER", 2L)), "a closed call is left alone");

        var events = await after.Events.ForCallAsync("talking", CancellationToken.None);
        Assert.That(events.Single().EventType, Is.EqualTo("HANGUP"));
        Assert.That(events.Single().Extra, Does.Contain("interrupted"));
        Assert.That(events.Single().EventUtc, Is.EqualTo(_t0.AddSeconds(30)));
        Assert.That(_log.Entries.Single(e => e.EventId == 1200).Message, Does.StartWith("2 call records were left open"));

        // The writer works on after the recovery, and a second start finds nothing left to close.
        after.Writer.Open(Opened("next", _time.GetUtcNow()));
        await after.Writer.FlushAsync();
        Assert.That((await after.Records.GetAsync("next", CancellationToken.None))!.State, Is.EqualTo("open"));
    }

    [Test]
    public async Task AnInterruptedCallWithNoLaterSignOfLifeEndsAtItsLastKnownMoment()
    {
        using (var database = await OpenDatabaseAsync())
        {
            await using var store = await OpenStoreAsync(database);
            store.Writer.Open(Opened("alone", _t0));
            store.Writer.Answer(new CallAnswered("alone", _t0.AddSeconds(3), "leg-b", null));
        }

        SqliteConnection.ClearAllPools();
        _time.Advance(TimeSpan.FromDays(2));
        using var restarted = await OpenDatabaseAsync();
        await using (var after = await OpenStoreAsync(restarted))
        {
            var row = (await after.Records.GetAsync("alone", CancellationToken.None))!;
            Assert.That(row.EndUtc, Is.EqualTo(_t0.AddSeconds(3)), "its answer is the last the database saw of it, not the restart two days later");
            Assert.That((row.Duration, row.Billsec, row.State), Is.EqualTo((3L, 0L, "interrupted")));
        }

        SqliteConnection.ClearAllPools();
        using var again = await OpenDatabaseAsync();
        await using var third = await OpenStoreAsync(again);
        Assert.That(_log.Entries.Count(e => e.EventId == 1200), Is.EqualTo(1));
        Assert.That(_log.Entries.Count(e => e.EventId == 1201), Is.EqualTo(2), "the first and the third start find nothing open");
    }

    [Test]
    public async Task QueriesSelectByStartTimeAndExtensionNewestFirstAndPage()
    {
        using var database = await OpenDatabaseAsync();
        await using var store = await OpenStoreAsync(database);
        var calls = Enumerable.Range(0, 30).Select(i => new
        {
            Id = $"q-{i:D2}",
            Start = _t0.AddMinutes(i),
            Src = i % 3 == 0 ? "1001" : $"2{i:D3}",
            Dst = i % 5 == 0 ? "1001" : "sales",
            AnsweredBy = i % 7 == 0 ? "1001" : "1050",
        }).ToList();
        foreach (var call in calls)
        {
            store.Writer.Open(Opened(call.Id, call.Start) with { Source = call.Src, Destination = call.Dst });
            store.Writer.Answer(new CallAnswered(call.Id, call.Start.AddSeconds(2), "leg-b", call.AnsweredBy));
        }

        await store.Writer.FlushAsync();
        var from = _t0.AddMinutes(5);
        var to = _t0.AddMinutes(25);

        var all = await store.Records.FindAsync(from, to, null, 1_000, 0, CancellationToken.None);
        Assert.That(
            all.Select(r => r.UniqueId),
            Is.EqualTo(calls.Where(c => c.Start >= from && c.Start < to).OrderByDescending(c => c.Start).Select(c => c.Id)),
            "from is inclusive, to exclusive, newest first");

        var pages = new List<CdrRecord>();
        for (var offset = 0; offset < 30; offset += 7)
        {
            var page = await store.Records.FindAsync(from, to, null, 7, offset, CancellationToken.None);
            Assert.That(page, Has.Count.LessThanOrEqualTo(7));
            pages.AddRange(page);
        }

        Assert.That(pages.Select(r => r.UniqueId), Is.EqualTo(all.Select(r => r.UniqueId)), "pages neither overlap nor skip");

        var forExtension = await store.Records.FindAsync(from, to, "1001", 1_000, 0, CancellationToken.None);
        Assert.That(
            forExtension.Select(r => r.UniqueId),
            Is.EqualTo(calls
                .Where(c => c.Start >= from && c.Start < to && (c.Src == "1001" || c.Dst == "1001" || c.AnsweredBy == "1001"))
                .OrderByDescending(c => c.Start)
                .Select(c => c.Id)));
        Assert.That(forExtension.Count, Is.InRange(6, all.Count - 1));

        Assert.That(await store.Records.FindAsync(_t0.AddDays(-2), _t0.AddDays(-1), null, 10, 0, CancellationToken.None), Is.Empty);
        Assert.That(await store.Records.GetAsync("no-such-call", CancellationToken.None), Is.Null);
        Assert.That(await store.Events.ForCallAsync("no-such-call", CancellationToken.None), Is.Empty);
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.Records.FindAsync(from, to, null, CdrQueries.MaxLimit + 1, 0, CancellationToken.None));
    }

    private CallOpened Opened(string uniqueId, DateTimeOffset startUtc) =>
        new(uniqueId, uniqueId, startUtc, "1001", null, "1002", null, $"leg-a-{uniqueId}", $"sip-{uniqueId}@192.0.2.10");

    private CallEnded Ended(string uniqueId) =>
        new(uniqueId, _time.GetUtcNow(), CdrDisposition.NoAnswer, Q850.NormalClearing, null, HangupParty.Caller);

    private Task<Database> OpenDatabaseAsync() => Database.OpenAsync(_options, NullLogger<Database>.Instance, CancellationToken.None);

    private Task<CdrStore> OpenStoreAsync(Database database) =>
        CdrStore.OpenAsync(database, _time, new SingleLoggerFactory(_log), CancellationToken.None);

    private CdrWriter NewWriter(Database database) => new(new CdrRepository(database), _time, NullLogger.Instance);

    private static async Task<bool> PollAsync(Func<bool> condition, Action? between = null)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            between?.Invoke();
            await Task.Delay(10);
        }

        return condition();
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
