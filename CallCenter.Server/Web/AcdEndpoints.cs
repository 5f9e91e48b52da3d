using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallCenter.Core.Acd;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;

namespace CallCenter.Server.Web;

/// <summary>
/// The ACD for the console and for scripts: the live snapshot, and an agent's login, logout, ready and not-ready,
/// the same commands the phone's feature codes give. Protected as the other endpoints are: the web listener is on
/// loopback unless the admin exposes it (callcenter.xml &lt;web&gt;); a login also needs the agent's PIN.
/// <list type="bullet">
/// <item>GET /api/acd/snapshot: queues (callers in line, longest wait, agents), agents (state, reason, extension), and
/// the depth and drops of the ACD's mailbox, of its record writer and of the queue_log writer.</item>
/// <item>GET /api/acd/callbacks?hours=24: per queue, the callers of the last hours (1 to 168, default 24) who
/// abandoned or did not answer their callback and have not reached an agent of that queue since: the list to call
/// back.</item>
/// <item>POST /api/acd/agents/{id}/login with {"extension":"1000","pin":"4711"}: a wrong PIN is 403.</item>
/// <item>POST /api/acd/agents/{id}/logout, /ready, and /not-ready with {"reason":"break"} (a reason code of
/// queues.xml; without one, the reason the agent chose last).</item>
/// </list>
/// A command answers 200 with what became of it and the agent's state now (202 when it waits for the call in
/// progress to end), 404 for an unknown agent, 409 when the agent is not in a state the command applies to, 400 for a
/// bad body or an unknown reason.
/// </summary>
public static class AcdEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/acd/snapshot", async (AcdDispatcher acd, AcdStore store, IServiceProvider services) =>
        {
            var snapshot = await acd.GetSnapshotAsync();
            // The bounded queues between the calls and the disk (STYLE.md §12): the ACD's mailbox, its writer, and the
            // queue_log's (absent when callcenter.xml switches it off).
            var mailbox = new QueueDepth(acd.Depth, acd.Capacity, acd.Dropped);
            var records = new QueueDepth(store.Writer.Depth, store.Writer.Capacity, store.Writer.Dropped);
            var queueLog = services.GetService<QueueLogWriter>() is { } log ? new QueueDepth(log.Depth, log.Capacity, log.Dropped) : null;
            return Results.Json(Report(snapshot) with { Mailbox = mailbox, Records = records, QueueLog = queueLog });
        });

        app.MapGet("/api/acd/callbacks", (int? hours, ILiveConfiguration configuration, AcdStore store, TimeProvider time) =>
        {
            if (hours is < 1 or > 168)
            {
                return BadRequest("hours must be from 1 to 168.");
            }

            var to = time.GetUtcNow();
            var from = to.AddHours(-(hours ?? 24));
            var list = configuration.Current.Queues.Queues
                .SelectMany(q => store.Kpis.AbandonedForCallback(q.Name, from, to))
                .OrderBy(c => c.At)
                .Select(c => new CallbackReport(c.Queue, c.CallerId, c.Number, c.Name, c.At, c.Wait.TotalSeconds, c.Position, c.CallbackFailed ? "callback-failed" : "abandoned"))
                .ToArray();
            return Results.Json(list);
        });

        app.MapPost("/api/acd/agents/{id}/login", async (string id, HttpRequest request, ILiveConfiguration configuration, AcdDispatcher acd) =>
        {
            var options = configuration.Current;
            if (options.Extensions.Agents.FirstOrDefault(a => a.Id == id) is not { } agent)
            {
                return NoSuchAgent(id);
            }

            var body = await ReadAsync<LoginRequest>(request, "{\"extension\":\"1000\",\"pin\":\"4711\"}");
            if (body.Error is { } error)
            {
                return error;
            }

            if (body.Value!.Pin is not { } pin || !SamePin(pin, agent.Pin))
            {
                return Results.Problem($"Wrong PIN for agent '{id}'.", statusCode: StatusCodes.Status403Forbidden);
            }

            var extension = body.Value.Extension ?? agent.DefaultExtension;
            if (extension is null || options.Extensions.FindUser(extension) is null)
            {
                return BadRequest(extension is null
                    ? $"Agent '{id}' has no default extension: give \"extension\"."
                    : $"There is no extension '{extension}' to log agent '{id}' in at.");
            }

            return await CommandAsync(acd, id, () => acd.LoginAsync(id, extension));
        });

        app.MapPost("/api/acd/agents/{id}/logout", (string id, AcdDispatcher acd) => CommandAsync(acd, id, () => acd.LogoutAsync(id)));

        app.MapPost("/api/acd/agents/{id}/ready", (string id, AcdDispatcher acd) => CommandAsync(acd, id, () => acd.SetReadyAsync(id)));

        app.MapPost("/api/acd/agents/{id}/not-ready", async (string id, HttpRequest request, AcdDispatcher acd) =>
        {
            string? reason = null;
            if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                var body = await ReadAsync<NotReadyRequest>(request, "{\"reason\":\"break\"}");
                if (body.Error is { } error)
                {
                    return error;
                }

                reason = body.Value!.Reason;
            }

            return await CommandAsync(acd, id, () => acd.SetNotReadyAsync(id, reason));
        });
    }

    // Fixed time, so that the answer's timing does not tell how much of a guessed PIN was right.
    private static bool SamePin(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static async Task<IResult> CommandAsync(AcdDispatcher acd, string id, Func<Task<AgentCommandResult>> command)
    {
        AgentCommandResult result;
        try
        {
            result = await command();
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (result == AgentCommandResult.UnknownAgent)
        {
            return NoSuchAgent(id);
        }

        var agent = (await acd.GetSnapshotAsync()).Agents.FirstOrDefault(a => a.Id == id);
        var report = new CommandReport(id, Text(result), agent is null ? null : Report(agent));
        var status = result switch
        {
            AgentCommandResult.Done or AgentCommandResult.NoChange => StatusCodes.Status200OK,
            AgentCommandResult.Deferred => StatusCodes.Status202Accepted,
            AgentCommandResult.UnknownReason => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status409Conflict,
        };
        return Results.Json(report, statusCode: status);
    }

    private static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, string example)
        where T : class
    {
        try
        {
            var value = await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted);
            return value is null ? (null, BadRequest($"The body must be a JSON object such as {example}.")) : (value, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, BadRequest($"The body must be a JSON object such as {example}: {ex.Message}"));
        }
    }

    private static string Text(AgentCommandResult result) => result switch
    {
        AgentCommandResult.Done => "done",
        AgentCommandResult.Deferred => "deferred",
        AgentCommandResult.AlreadyLoggedIn => "already-logged-in",
        AgentCommandResult.NotLoggedIn => "not-logged-in",
        AgentCommandResult.UnknownReason => "unknown-reason",
        AgentCommandResult.NoChange => "no-change",
        _ => "unknown-agent",
    };

    private static SnapshotReport Report(AcdSnapshot snapshot) => new(
        snapshot.At,
        [.. snapshot.Queues.Select(q => new QueueReport(
            q.Name, q.InLine, q.BeingOffered, q.OnVirtualHold, q.LongestWait.TotalSeconds, q.AgentsLoggedIn, q.AgentsAvailable, q.AgentsOnCall,
            [.. q.Callers.Select(c => new CallerReport(c.CallerId, c.Position, c.Priority, c.Wait.TotalSeconds, c.Phase))]))],
        [.. snapshot.Agents.Select(Report)]);

    private static AgentReport Report(AgentSnapshot a) =>
        new(a.Id, a.Name, a.State.ToText(), a.Reason, a.Extension, a.Since, a.CallerId, a.MissedOffers);

    private static IResult NoSuchAgent(string id) =>
        Results.Problem($"There is no agent '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private sealed record LoginRequest(string? Extension, string? Pin);

    private sealed record CallbackReport(string Queue, string CallerId, string? Number, string? Name, DateTimeOffset At, double WaitSeconds, int? Position, string Reason);

    private sealed record NotReadyRequest(string? Reason);

    private sealed record CommandReport(string Agent, string Result, AgentReport? Now);

    private sealed record SnapshotReport(DateTimeOffset At, QueueReport[] Queues, AgentReport[] Agents)
    {
        public QueueDepth? Mailbox { get; init; }

        public QueueDepth? Records { get; init; }

        public QueueDepth? QueueLog { get; init; }
    }

    private sealed record QueueDepth(int Depth, int Capacity, long Dropped);

    private sealed record QueueReport(
        string Name, int InLine, int BeingOffered, int OnVirtualHold, double LongestWaitSeconds, int AgentsLoggedIn, int AgentsAvailable,
        int AgentsOnCall, CallerReport[] Callers);

    private sealed record CallerReport(string CallerId, int Position, int Priority, double WaitSeconds, string Phase);

    private sealed record AgentReport(
        string Id, string Name, string State, string? Reason, string? Extension, DateTimeOffset Since, string? CallerId, int MissedOffers);
}
