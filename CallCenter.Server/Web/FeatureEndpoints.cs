using System.Text.Json;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;

namespace CallCenter.Server.Web;

/// <summary>
/// A user's call features (do-not-disturb, forwards) for the console and for scripts: what applies now, and what of
/// it was changed at run time over extensions.xml. A change here is the same as the user's feature code: it
/// overrides extensions.xml until it is changed again, and is kept across restarts.
/// <list type="bullet">
/// <item>GET /api/extensions/{ext}/features</item>
/// <item>PUT /api/extensions/{ext}/features with {"doNotDisturb":true,"forwardBusy":"2000"}: a field left out (or
/// null) is unchanged; a forward given as "" is switched off.</item>
/// <item>DELETE /api/extensions/{ext}/features: forgets the run-time changes; extensions.xml applies again.</item>
/// </list>
/// </summary>
public static class FeatureEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/extensions/{extension}/features", (string extension, ILiveConfiguration configuration, UserFeatureStore store) =>
            configuration.Current.Extensions.FindUser(extension) is { } user
                ? Results.Json(Report(user, configuration.Current, store))
                : NoSuchUser(extension));

        app.MapPut("/api/extensions/{extension}/features", async (string extension, HttpRequest request, ILiveConfiguration configuration, UserFeatureStore store) =>
        {
            var options = configuration.Current;
            if (options.Extensions.FindUser(extension) is not { } user)
            {
                return NoSuchUser(extension);
            }

            FeaturesUpdate? update;
            try
            {
                update = await request.ReadFromJsonAsync<FeaturesUpdate>(request.HttpContext.RequestAborted);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return BadRequest("The body must be a JSON object such as {\"doNotDisturb\":true,\"forwardBusy\":\"2000\"}: " + ex.Message);
            }

            if (update is null)
            {
                return BadRequest("The body must be a JSON object such as {\"doNotDisturb\":true,\"forwardBusy\":\"2000\"}.");
            }

            foreach (var (name, target) in new[] { ("forwardAlways", update.ForwardAlways), ("forwardBusy", update.ForwardBusy), ("forwardNoAnswer", update.ForwardNoAnswer) })
            {
                if (target is { Length: > 0 } && (target == extension || options.Extensions.FindUser(target) is null))
                {
                    return BadRequest(target == extension
                        ? $"'{name}' cannot forward {extension} to itself."
                        : $"'{name}' names {target}, which is not an extension; give an existing extension, or \"\" to switch the forward off.");
                }
            }

            store.Change(user, current => current with
            {
                DoNotDisturb = update.DoNotDisturb ?? current.DoNotDisturb,
                ForwardAlways = update.ForwardAlways ?? current.ForwardAlways,
                ForwardBusy = update.ForwardBusy ?? current.ForwardBusy,
                ForwardNoAnswer = update.ForwardNoAnswer ?? current.ForwardNoAnswer,
            });
            return Results.Json(Report(user, options, store));
        });

        app.MapDelete("/api/extensions/{extension}/features", (string extension, ILiveConfiguration configuration, UserFeatureStore store) =>
        {
            if (configuration.Current.Extensions.FindUser(extension) is not { } user)
            {
                return NoSuchUser(extension);
            }

            store.Reset(user);
            return Results.Json(Report(user, configuration.Current, store));
        });
    }

    private static FeaturesReport Report(UserOptions user, CallCenterOptions options, UserFeatureStore store)
    {
        var now = store.Resolve(user);
        return new FeaturesReport(
            user.Extension,
            now.DoNotDisturb,
            now.ForwardAlways,
            now.ForwardBusy,
            now.ForwardNoAnswer,
            (int)(user.NoAnswerTimeout ?? options.Calls.RingTimeout).TotalSeconds,
            store.Get(user.Extension));
    }

    private static IResult NoSuchUser(string extension) =>
        Results.Problem($"There is no extension '{extension}'.", statusCode: StatusCodes.Status404NotFound);

    private static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    /// <param name="Overrides">What was changed at run time; null fields follow extensions.xml, "" is a forward
    /// switched off.</param>
    private sealed record FeaturesReport(
        string Extension, bool DoNotDisturb, string? ForwardAlways, string? ForwardBusy, string? ForwardNoAnswer, int NoAnswerTimeout, FeatureOverrides Overrides);

    private sealed record FeaturesUpdate(bool? DoNotDisturb, string? ForwardAlways, string? ForwardBusy, string? ForwardNoAnswer);
}
