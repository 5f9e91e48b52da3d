using System.Globalization;
using System.Net;
using System.Text.Json;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Integration.Server;

/// <summary>/api/cdr on the real executable, over a database a previous run left with a call open.</summary>
[NonParallelizable]
public sealed class CdrWebTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    [Test]
    public async Task TheServerClosesTheLastRunsOpenCallAndServesRecordsWithClearErrors()
    {
        using var install = new ShippedConfigCopy(drainSeconds: 5);
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var lastAlive = start.AddMinutes(4);
        await SeedCrashedRunAsync(install, start, lastAlive);

        await using var server = ServerProcess.Start("run", "--config", install.ConfigFolder);
        (await server.WaitForHealthAsync(install.WebPort, StartLimit)).Dispose();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{install.WebPort}"), Timeout = TimeSpan.FromSeconds(5) };

        using (var bad = await client.GetAsync("/api/cdr?from=yesterday"))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("'from' must be an ISO 8601 time").And.Contain("yesterday"));
        }

        using (var badLimit = await client.GetAsync("/api/cdr?limit=5000"))
        {
            Assert.That(badLimit.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await badLimit.Content.ReadAsStringAsync(), Does.Contain("'limit' must be a whole number from 1 to 1000"));
        }

        using (var backwards = await client.GetAsync("/api/cdr?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"))
        {
            Assert.That(backwards.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        using (var empty = await client.GetAsync("/api/cdr?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z"))
        {
            Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await empty.Content.ReadAsStringAsync(), Is.EqualTo("[]"));
        }

        // The defaults (the last day) include the seeded call, closed before SIP started.
        using (var recent = JsonDocument.Parse(await client.GetStringAsync("/api/cdr?extension=1001")))
        {
            var call = recent.RootElement.EnumerateArray().Single();
            Assert.That(call.GetProperty("uniqueId").GetString(), Is.EqualTo("crashed-1"));
            Assert.That(call.GetProperty("state").GetString(), Is.EqualTo("interrupted"));
            Assert.That(call.GetProperty("disposition").GetString(), Is.EqualTo("ANSWERED"));
            Assert.That(call.GetProperty("hangupCause").GetInt32(), Is.EqualTo(41));
            Assert.That(call.GetProperty("endUtc").GetDateTimeOffset(), Is.EqualTo(lastAlive));
            Assert.That(call.GetProperty("duration").GetInt64(), Is.EqualTo(240));
        }

        using (var events = JsonDocument.Parse(await client.GetStringAsync("/api/cdr/crashed-1/events")))
        {
            Assert.That(
                events.RootElement.EnumerateArray().Select(e => e.GetProperty("eventType").GetString()),
                Is.EqualTo(new[] { "CHAN_START", "HANGUP" }));
        }

        using (var missing = await client.GetAsync("/api/cdr/no-such-call/events"))
        {
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        server.SendSignal(ServerProcess.SigTerm);
        Assert.That(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(0), server.Error);
        Assert.That(LogFiles.Read(install.LogFolder), Does.Contain("1 call records were left open by the previous run"));
    }

    // What a run that died mid-call leaves behind: an answered call still open, and its last audit entry.
    private static async Task SeedCrashedRunAsync(ShippedConfigCopy install, DateTimeOffset start, DateTimeOffset lastAlive)
    {
        var options = new StorageOptions { DataFolder = install.DataFolder, RecordingsFolder = Path.Combine(install.Root, "recordings") };
        using (var database = await Database.OpenAsync(options, NullLogger<Database>.Instance, CancellationToken.None))
        {
            using var connection = database.OpenConnection();
            var at = new { Start = Iso(start), Answer = Iso(start.AddSeconds(3)), LastAlive = Iso(lastAlive) };
            connection.Execute(
                "INSERT INTO cdr (unique_id, linked_id, start_utc, answer_utc, src, dst, a_leg_id, b_leg_id, sip_call_id) " +
                "VALUES ('crashed-1', 'crashed-1', @Start, @Answer, '1001', '1002', 'leg-a', 'leg-b', 'abc@192.0.2.10');",
                at);
            connection.Execute(
                "INSERT INTO cel (unique_id, linked_id, leg_id, event_type, event_utc) VALUES ('crashed-1', 'crashed-1', 'leg-a', 'CHAN_START', @Start);", at);
            connection.Execute("INSERT INTO service_events (at_utc, node, kind, detail) VALUES (@LastAlive, 'cc1', 'config-applied', NULL);", at);
        }

        SqliteConnection.ClearAllPools();
    }

    private static string Iso(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
