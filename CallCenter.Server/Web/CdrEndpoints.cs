using System.Globalization;
using CallCenter.Core.Storage.Cdr;

namespace CallCenter.Server.Web;

/// <summary>
/// Call detail records for the console and for scripts: the calls of a time range (one extension's, if asked), and
/// the event log of one call. Query values are parsed here rather than bound by the framework so that a bad one gets
/// a 400 that names it and shows what would have been accepted.
/// </summary>
public static class CdrEndpoints
{
    public const int DefaultLimit = 100;
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(1);
    private const int MaxExtensionLength = 64;

    public static void Map(WebApplication app)
    {
        // GET /api/cdr?from=2026-01-05T00:00:00Z&to=...&extension=1001&limit=100&offset=0. Times are ISO 8601; one
        // without an offset is taken as UTC. Defaults: to = now, from = to minus a day, limit 100 (at most 1000).
        app.MapGet("/api/cdr", async (HttpRequest request, CdrQueries records, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var query = request.Query;
            DateTimeOffset? to = null;
            DateTimeOffset? from = null;
            if (!TryTime(query["to"], "to", ref to, out var problem)
                || !TryTime(query["from"], "from", ref from, out problem)
                || !TryCount(query["limit"], "limit", DefaultLimit, 1, CdrQueries.MaxLimit, out var limit, out problem)
                || !TryCount(query["offset"], "offset", 0, 0, int.MaxValue, out var offset, out problem))
            {
                return BadRequest(problem);
            }

            var toUtc = to ?? time.GetUtcNow();
            var fromUtc = from ?? toUtc - DefaultRange;
            if (fromUtc > toUtc)
            {
                return BadRequest($"'from' ({fromUtc:O}) is after 'to' ({toUtc:O}).");
            }

            var extension = query["extension"].ToString().Trim();
            if (extension.Length > MaxExtensionLength)
            {
                return BadRequest($"'extension' is longer than {MaxExtensionLength} characters.");
            }

            var rows = await records.FindAsync(fromUtc, toUtc, extension.Length == 0 ? null : extension, limit, offset, cancellationToken);
            return Results.Json(rows);
        });

        // The events of one call's legs, in order; 404 when there is no such call.
        app.MapGet("/api/cdr/{uniqueId}/events", async (string uniqueId, CdrQueries records, CelQueries events, CancellationToken cancellationToken) =>
        {
            var rows = await events.ForCallAsync(uniqueId, cancellationToken);
            if (rows.Count == 0 && await records.GetAsync(uniqueId, cancellationToken) is null)
            {
                return Results.Problem($"There is no call '{uniqueId}'.", statusCode: StatusCodes.Status404NotFound);
            }

            return Results.Json(rows);
        });
    }

    private static IResult BadRequest(string problem) => Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);

    private static bool TryTime(string? text, string name, ref DateTimeOffset? value, out string problem)
    {
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = $"'{name}' must be an ISO 8601 time such as 2026-01-05T09:00:00Z; got '{text}'.";
        return false;
    }

    private static bool TryCount(string? text, string name, int fallback, int min, int max, out int value, out string problem)
    {
        problem = "";
        value = fallback;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        problem = max == int.MaxValue
            ? $"'{name}' must be a whole number from {min}; got '{text}'."
            : $"'{name}' must be a whole number from {min} to {max}; got '{text}'.";
        return false;
    }
}
