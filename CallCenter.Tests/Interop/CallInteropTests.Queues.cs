using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using CallCenter.Core.Storage.Acd;
using CallCenter.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCenter.Tests.Interop;

// The ACD with real peers (issue 5): agents' phones are SIPp UASs registered as their extensions, agents log in and
// pause through the web API, callers are SIPp UACs dialling a queue's number. What the peers saw is checked against
// the ACD's records in the server's own database, read with the KPI queries the console uses. Queues 4790-4792,
// agents qa/qb (4701, 4702), qc (4703), qd (4704), qe (4705); callers 4710-4715. Each queue has its own test, so its KPIs are
// exactly that test's scenario.
public sealed partial class CallInteropTests
{
    private static readonly (string Id, string Extension, string Queue)[] QueueAgents =
        [("qa", "4701", "acdorder"), ("qb", "4702", "acdorder"), ("qc", "4703", "acdring"), ("qd", "4704", "acdhang"), ("qe", "4705", "acdback")];

    private static readonly QueueOptions AcdOrder = TestQueue("acdorder");
    private static readonly QueueOptions AcdRing = TestQueue("acdring");
    private static readonly QueueOptions AcdHang = TestQueue("acdhang");

    // As written into queues.xml below: the KPI queries read the name, threshold and formula.
    private static QueueOptions TestQueue(string name) => new()
    {
        Name = name,
        ServiceLevelThreshold = TimeSpan.FromSeconds(20),
        ServiceLevelFormula = ServiceLevelFormula.Offered,
    };

    private static void ConfigureQueues(ShippedConfigCopy install)
    {
        install.Edit(ShippedConfigCopy.ConfigurationFile.Extensions, doc =>
        {
            foreach (var n in Enumerable.Range(4701, 5).Concat(Enumerable.Range(4710, 6)))
            {
                doc.Root!.Add(new XElement("user", new XAttribute("extension", n), new XAttribute("name", "Test " + n), new XAttribute("password", "secret-" + n)));
            }

            foreach (var (id, extension, queue) in QueueAgents)
            {
                doc.Root!.Add(new XElement("agent", new XAttribute("id", id), new XAttribute("name", "Agent " + id), new XAttribute("pin", "1" + extension),
                    new XAttribute("extension", extension), new XElement("queue", new XAttribute("name", queue), new XAttribute("penalty", 0))));
            }
        });
        install.Edit(ShippedConfigCopy.ConfigurationFile.Queues, doc =>
        {
            foreach (var (name, number) in new[] { ("acdorder", "4790"), ("acdring", "4791"), ("acdhang", "4792"), ("acdback", "4793") })
            {
                var queue = new XElement("queue", new XAttribute("name", name), new XAttribute("number", number),
                    new XAttribute("strategy", "longest-idle"), new XAttribute("ringTimeout", 10), new XAttribute("retryDelay", 1),
                    new XAttribute("wrapUp", 0), new XAttribute("joinWhenEmpty", "yes"), new XAttribute("leaveWhenEmpty", "no"),
                    new XElement("serviceLevel", new XAttribute("threshold", 20), new XAttribute("formula", "offered")));
                if (name == "acdback")
                {
                    queue.Add(new XAttribute("callbackDigit", "2"));
                }

                doc.Root!.Add(queue);
            }
        });
    }

    /// <summary>Longest idle with real phones: qb logs in before qa, so the first caller goes to qb's phone; qb has
    /// then just finished a call, so the second goes to qa. With both paused, a third caller waits, hears nobody and
    /// hangs up: an abandon with its wait. The store's KPIs say exactly that, and the CDR names the agents.</summary>
    [Test]
    public async Task CallsToAQueueReachTheLongestIdleAgentInOrderAndAnAbandonIsRecordedWithItsWait()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var phoneA = await StartCalleeAsync("4701", "call_uas_answer.xml");
        var phoneB = await StartCalleeAsync("4702", "call_uas_answer.xml");
        using (var wrong = await _server.Web.PostAsJsonAsync("/api/acd/agents/qb/login", new { extension = "4702", pin = "0000" }))
        {
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        await AgentCommandAsync("qb", "login", new { extension = "4702", pin = "14702" }, "available");
        await Task.Delay(50);
        await AgentCommandAsync("qa", "login", new { extension = "4701", pin = "14701" }, "available");

        var first = await RunCallerAsync("call_uac_answered.xml", "4710", "4790");
        AssertSipp(first, 1);
        AssertSipp(await phoneB.FinishAsync(), 1);
        Assert.That(phoneA.HasExited, Is.False, "qa's phone has not been called yet");

        var second = await RunCallerAsync("call_uac_answered.xml", "4711", "4790");
        AssertSipp(second, 1);
        AssertSipp(await phoneA.FinishAsync(), 1);

        await AgentCommandAsync("qa", "not-ready", new { reason = "break" }, "not-ready");
        await AgentCommandAsync("qb", "not-ready", new { reason = "break" }, "not-ready");
        var third = await RunCallerAsync("call_uac_answered.xml", "4712", "4790");
        AssertSipp(third, 1);

        var kpis = await QueueKpisAsync(AcdOrder, from, expectedOffered: 3);
        Assert.Multiple(() =>
        {
            Assert.That(kpis.Offered, Is.EqualTo(3));
            Assert.That(kpis.Answered, Is.EqualTo(2));
            Assert.That(kpis.Abandoned, Is.EqualTo(1));
            Assert.That(kpis.AnsweredWithinThreshold, Is.EqualTo(2));
            Assert.That(kpis.ServiceLevel, Is.EqualTo(2.0 / 3).Within(1e-9), kpis.FormulaText);
            Assert.That(kpis.TimedOut + kpis.Overflowed + kpis.OtherExits + kpis.Refused + kpis.Unresolved, Is.Zero);
        });
        var abandoned = await AbandonedAsync(AcdOrder, from);
        Assert.That(abandoned, Has.Count.EqualTo(1));
        // call_uac_answered.xml hangs up a second after its ACK; the wait runs from the answer.
        Assert.That(abandoned[0].Wait, Is.InRange(TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3)));
        Assert.That(abandoned[0].Position, Is.EqualTo(1));

        // The CDR: dialled the queue, answered by the agents' extensions in that order; the abandon was not answered.
        var rows = await QueueCdrAsync("4790", 3);
        Assert.That(rows.Select(r => (r.GetProperty("source").GetString(), r.GetProperty("answeredBy").GetString())),
            Is.EqualTo(new (string?, string?)[] { ("4710", "4702"), ("4711", "4701"), ("4712", null) }));
        Assert.That(rows.Select(r => r.GetProperty("destinationContext").GetString()), Is.All.EqualTo("queue"));
        Assert.That(rows.Select(r => r.GetProperty("disposition").GetString()), Is.EqualTo(new[] { "ANSWERED", "ANSWERED", "NO ANSWER" }));

        // The CEL of the first call: the server answered the caller, then rang the agent, whose answer was bridged.
        var events = await _server.Web.GetFromJsonAsync<JsonElement[]>($"/api/cdr/{rows[0].GetProperty("uniqueId").GetString()}/events");
        Assert.That(events!.Select(e => e.GetProperty("eventType").GetString()),
            Is.EqualTo(new[] { "CHAN_START", "ANSWER", "RING", "ANSWER", "BRIDGE_ENTER", "HANGUP" }));
    }

    /// <summary>A caller who hangs up while the agent's phone rings: the phone gets a CANCEL at once (the SIPp UAS
    /// fails without it), the agent is free again, and the store has an abandon and no answer.</summary>
    [Test]
    public async Task ACallerHangingUpWhileTheAgentsPhoneRingsCancelsTheRingingAndIsAnAbandon()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var phone = await StartCalleeAsync("4703", "call_uas_cancelled.xml");
        await AgentCommandAsync("qc", "login", new { extension = "4703", pin = "14703" }, "available");

        var caller = await RunCallerAsync("call_uac_answered.xml", "4713", "4791");

        AssertSipp(caller, 1);
        var ringing = await phone.FinishAsync();
        AssertSipp(ringing, 1);
        Assert.That(ringing.Messages, Does.Contain("CANCEL sip:"));
        var kpis = await QueueKpisAsync(AcdRing, from, expectedOffered: 1);
        Assert.That((kpis.Offered, kpis.Answered, kpis.Abandoned), Is.EqualTo((1, 0, 1)));
        var snapshot = await _server.Web.GetFromJsonAsync<JsonElement>("/api/acd/snapshot");
        var qc = snapshot.GetProperty("agents").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "qc");
        Assert.That(qc.GetProperty("state").GetString(), Is.EqualTo("available"));
        Assert.That(qc.GetProperty("missedOffers").GetInt32(), Is.Zero, "a ringing the caller ended is not the agent's miss");
        await AgentCommandAsync("qc", "logout", null, "logged-out");
    }

    /// <summary>The agent hangs up first: the caller gets the server's BYE, and the call is completed by the agent.</summary>
    [Test]
    public async Task TheAgentHangingUpSendsTheCallerABye()
    {
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        var phone = await StartCalleeAsync("4704", "call_uas_hangs_up.xml");
        await AgentCommandAsync("qd", "login", new { extension = "4704", pin = "14704" }, "available");

        var caller = await RunCallerAsync("call_uac_callee_hangs_up.xml", "4714", "4792");

        await AssertSucceededAsync(phone, caller);
        var kpis = await QueueKpisAsync(AcdHang, from, expectedOffered: 1);
        Assert.That((kpis.Offered, kpis.Answered, kpis.Abandoned), Is.EqualTo((1, 1, 0)));
        // The completion follows the connect by the call's length, so it may come in a later batch of the writer.
        var events = new List<string>();
        for (var attempt = 0; attempt < 30 && !events.Contains("COMPLETEAGENT"); attempt++)
        {
            events = await QueueEventsAsync("acdhang");
            await Task.Delay(events.Contains("COMPLETEAGENT") ? 0 : 100);
        }

        Assert.That(events, Is.EqualTo(new[] { "ENTERQUEUE", "CONNECT", "COMPLETEAGENT" }));

        // The same events in the Asterisk queue_log next to the database (callcenter.xml <storage queueLog>), in
        // Asterisk's fields: epoch|callid|queue|agent|EVENT|data... ENTERQUEUE's data is url|callerid; CONNECT's
        // holdtime|bridged channel's uniqueid|ringtime; COMPLETEAGENT's holdtime|calltime|origposition.
        var path = Path.Combine(_install.DataFolder, "queue_log");
        string[] lines = [];
        for (var attempt = 0; attempt < 30 && lines.Length < 3; attempt++)
        {
            lines = File.Exists(path)
                ? [.. (await File.ReadAllLinesAsync(path)).Where(l => l.Split('|') is { Length: > 4 } f && f[2] == "acdhang")]
                : [];
            await Task.Delay(lines.Length < 3 ? 100 : 0);
        }

        Assert.That(lines, Has.Length.EqualTo(3), string.Join('\n', lines));
        var callId = lines[0].Split('|')[1];
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.Match($@"^\d{{10}}\|{Regex.Escape(callId)}\|acdhang\|NONE\|ENTERQUEUE\|\|4714$"));
            Assert.That(lines[1], Does.Match($@"^\d{{10}}\|{Regex.Escape(callId)}\|acdhang\|qd\|CONNECT\|\d+\|{Regex.Escape(callId)}\|\d+$"));
            Assert.That(lines[2], Does.Match($@"^\d{{10}}\|{Regex.Escape(callId)}\|acdhang\|qd\|COMPLETEAGENT\|\d+\|\d+\|1$"));
        });
    }

    /// <summary>Virtual hold with real phones: caller 4715 (a SIPp UAC) waits in an empty queue, presses the callback
    /// digit by INFO and is let go with the server's BYE; its own phone (a SIPp UAS registered as 4715) is called back
    /// once agent qe logs in, from the queue's number, and only after that answered does qe's phone ring; qe answers
    /// and hangs up, and the called-back phone gets the BYE. The records: entered, callback requested, connected,
    /// completed by the agent, all under the caller's first call.</summary>
    [Test]
    public async Task ACallerWhoAsksForACallbackIsCalledBackOnItsPhoneAndThenConnectedToTheAgent()
    {
        var back = await StartCalleeAsync("4715", "callback_uas_answer.xml");
        var agent = await StartCalleeAsync("4705", "call_uas_hangs_up.xml");

        var caller = await RunCallerAsync("call_uac_callback.xml", "4715", "4793");
        AssertSipp(caller, 1);
        Assert.That(back.HasExited, Is.False, "nobody calls back before an agent is free");
        List<string> events = [];
        for (var attempt = 0; attempt < 30 && !events.Contains("CALLBACKREQUEST"); attempt++)
        {
            events = await QueueEventsAsync("acdback");
            await Task.Delay(events.Contains("CALLBACKREQUEST") ? 0 : 100);
        }

        Assert.That(events, Is.EqualTo(new[] { "ENTERQUEUE", "CALLBACKREQUEST" }));

        await AgentCommandAsync("qe", "login", new { extension = "4705", pin = "14705" }, "available");
        var answered = await back.FinishAsync();
        AssertSipp(answered, 1);
        AssertSipp(await agent.FinishAsync(), 1);
        Assert.That(answered.Log, Does.Contain("callback from"));

        for (var attempt = 0; attempt < 30 && !events.Contains("COMPLETEAGENT"); attempt++)
        {
            events = await QueueEventsAsync("acdback");
            await Task.Delay(events.Contains("COMPLETEAGENT") ? 0 : 100);
        }

        Assert.That(events, Is.EqualTo(new[] { "ENTERQUEUE", "CALLBACKREQUEST", "CONNECT", "COMPLETEAGENT" }));
        var callbacks = await _server.Web.GetFromJsonAsync<JsonElement[]>("/api/acd/callbacks?hours=1");
        Assert.That(callbacks!.Where(c => c.GetProperty("queue").GetString() == "acdback"), Is.Empty, "a caller called back and served is not on the list");
        using (var bad = await _server.Web.GetAsync("/api/acd/callbacks?hours=0"))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        await AgentCommandAsync("qe", "logout", null, "logged-out");
    }

    private async Task AgentCommandAsync(string agent, string command, object? body, string expectedState)
    {
        using var response = body is null
            ? await _server.Web.PostAsync($"/api/acd/agents/{agent}/{command}", null)
            : await _server.Web.PostAsJsonAsync($"/api/acd/agents/{agent}/{command}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        var report = JsonDocument.Parse(text).RootElement;
        Assert.That(report.GetProperty("now").GetProperty("state").GetString(), Is.EqualTo(expectedState), text);
    }

    /// <summary>The queue's KPIs from the store, once the ACD's writer (100 ms batches) has written the offers.</summary>
    private async Task<QueueKpis> QueueKpisAsync(QueueOptions queue, DateTimeOffset from, int expectedOffered)
    {
        QueueKpis kpis = null!;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            using (var database = await OpenDatabaseAsync())
            {
                kpis = new AcdKpiQueries(database).ForQueue(queue, from, DateTimeOffset.UtcNow.AddSeconds(1), TimeSpan.FromSeconds(5));
            }

            SqliteConnection.ClearAllPools();
            if (kpis.Offered >= expectedOffered && kpis.Unresolved == 0)
            {
                return kpis;
            }

            await Task.Delay(100);
        }

        return kpis;
    }

    private async Task<List<string>> QueueEventsAsync(string queue)
    {
        var events = new List<string>();
        using (var database = await OpenDatabaseAsync())
        using (var connection = database.OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT event FROM acd_queue_events WHERE queue = $queue ORDER BY id";
            command.Parameters.AddWithValue("$queue", queue);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                events.Add(reader.GetString(0));
            }
        }

        SqliteConnection.ClearAllPools();
        return events;
    }

    private async Task<IReadOnlyList<AbandonedCaller>> AbandonedAsync(QueueOptions queue, DateTimeOffset from)
    {
        using var database = await OpenDatabaseAsync();
        var list = new AcdKpiQueries(database).AbandonedForCallback(queue.Name, from, DateTimeOffset.UtcNow.AddSeconds(1));
        SqliteConnection.ClearAllPools();
        return list;
    }

    private Task<Database> OpenDatabaseAsync() =>
        Database.OpenAsync(
            new StorageOptions { DataFolder = _install.DataFolder, RecordingsFolder = Path.Combine(_install.Root, "recordings") },
            NullLogger<Database>.Instance,
            CancellationToken.None);

    /// <summary>The closed CDR rows of calls to <paramref name="number"/>, oldest first.</summary>
    private async Task<JsonElement[]> QueueCdrAsync(string number, int count)
    {
        JsonElement[] rows = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var all = await _server.Web.GetFromJsonAsync<JsonElement[]>("/api/cdr?limit=1000");
            rows = [.. all!.Where(r => r.GetProperty("destination").GetString() == number && r.GetProperty("state").GetString() == "closed")
                .OrderBy(r => r.GetProperty("startUtc").GetDateTimeOffset())];
            if (rows.Length >= count)
            {
                return rows;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{rows.Length} closed CDR rows for {number}, expected {count}");
        return rows;
    }
}
