using CallCenter.Core.Calls;
using CallCenter.Media.Relay;

namespace CallCenter.Server.Web;

/// <summary>
/// The call layer at a glance for the console and for tests: calls in progress and done, INVITEs refused for load,
/// and the media relay's counters (ports in use, packets relayed each way, garbage and foreign sources dropped).
/// </summary>
public static class CallEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/calls", (CallManager calls, MediaRelayManager media) =>
            Results.Json(new CallsReport(calls.ActiveCalls, calls.CompletedCalls, calls.RejectedOverload, calls.Shed, media.Statistics)));

    private sealed record CallsReport(int Active, long Completed, long RejectedOverload, long Shed, MediaRelayManagerStatistics Media);
}
