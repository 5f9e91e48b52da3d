using CallCenter.Core.Configuration;
using CallCenter.Core.Hosting;
using CallCenter.Core.Storage;
using CallCenter.Server.Hosting;

namespace CallCenter.Server.Web;

/// <summary>GET /healthz: what a load balancer, a monitoring system or an admin with curl needs to know.
/// 200 while the server takes calls, 503 when the store is unusable or the server is draining.</summary>
public static class HealthEndpoint
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", (ILiveConfiguration configuration, Database database, CallDrain drain, ServerClock clock) =>
        {
            var options = configuration.Current;
            var store = database.GetHealth();
            var status = !store.Healthy ? "degraded" : drain.IsDraining ? "draining" : "ok";
            var report = new HealthReport(
                status,
                ServerInfo.Version,
                options.Node.Name,
                clock.StartedUtc,
                Math.Round(clock.Uptime.TotalSeconds, 3),
                options.Generation,
                new DatabaseReport(store.Healthy, store.SchemaVersion, store.Path, store.Problem),
                drain.ActiveCount);
            return Results.Json(report, statusCode: status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }

    public sealed record HealthReport(
        string Status,
        string Version,
        string Node,
        DateTimeOffset StartedUtc,
        double UptimeSeconds,
        long ConfigGeneration,
        DatabaseReport Database,
        int ActiveCalls);

    public sealed record DatabaseReport(bool Healthy, int SchemaVersion, string Path, string? Problem);
}
