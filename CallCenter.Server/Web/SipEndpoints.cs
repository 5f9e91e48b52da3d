using System.Net;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Registrar;

namespace CallCenter.Server.Web;

/// <summary>
/// The SIP state an admin looks at: who is registered from where, the built-in fail2ban's ban list, and lifting a ban (an office behind one NAT
/// address locked out by one misconfigured phone). The web listener is loopback-only unless the admin exposes it;
/// the console's sign-in will guard these with the rest.
/// </summary>
public static class SipEndpoints
{
    public static void Map(WebApplication app)
    {
        // Every binding (or one extension's) in the order calls would try them; expires is what is left now.
        app.MapGet("/api/sip/registrations", (string? extension, RegistrationStore store) =>
        {
            var bindings = extension is null ? store.GetAll() : store.GetContacts(extension);
            return Results.Json(bindings.Select(b => new RegistrationReport(
                b.Extension,
                b.ContactUri.ToString(),
                b.Target.ToString(),
                (long)Math.Ceiling(store.GetRemaining(b).TotalSeconds),
                b.Reachability.ToString(),
                b.UserAgent,
                b.RegisteredAtUtc,
                b.ExpiresAtUtc)));
        });

        app.MapGet("/api/sip/bans", (AuthFailureTracker failures) =>
            Results.Json(failures.GetBans().Select(b => new BanReport(b.Source.ToString(), b.BannedAt, b.Until, b.Failures))));

        app.MapDelete("/api/sip/bans/{address}", (string address, AuthFailureTracker failures) =>
        {
            if (!IPAddress.TryParse(address, out var parsed))
            {
                return Results.Problem($"'{address}' is not an IP address.", statusCode: StatusCodes.Status400BadRequest);
            }

            return failures.Unban(parsed) ? Results.NoContent() : Results.NotFound();
        });
    }

    public sealed record RegistrationReport(
        string Extension,
        string Contact,
        string Target,
        long ExpiresInSeconds,
        string Reachability,
        string? UserAgent,
        DateTimeOffset RegisteredAtUtc,
        DateTimeOffset ExpiresAtUtc);

    public sealed record BanReport(string Source, DateTimeOffset BannedAt, DateTimeOffset Until, int Failures);
}
