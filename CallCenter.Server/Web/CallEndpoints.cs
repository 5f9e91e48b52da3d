using CallCenter.Core.Calls;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;

namespace CallCenter.Server.Web;

/// <summary>
/// The call layer at a glance for the console and for tests: calls in progress and done, INVITEs refused for load,
/// the media relay's counters (ports in use, packets relayed each way, garbage and foreign sources dropped), and the
/// call-record writer's queue (reports waiting for the database, and any dropped because it was full: lost records).
/// </summary>
public static class CallEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/calls", (CallManager calls, MediaRelayManager media, CdrWriter records) =>
            Results.Json(new CallsReport(
                calls.ActiveCalls,
                calls.CompletedCalls,
                calls.RejectedOverload,
                calls.Shed,
                media.Statistics,
                new RecordQueue(records.Depth, records.Capacity, records.Dropped))));

    private sealed record CallsReport(int Active, long Completed, long RejectedOverload, long Shed, MediaRelayManagerStatistics Media, RecordQueue Records);

    private sealed record RecordQueue(int Depth, int Capacity, long Dropped);
}
