using System.Net;
using CallCenter.Core.Sip.Auth;

namespace CallCenter.Server.Web;

/// <summary>
/// The SIP state an admin looks at: the built-in fail2ban's ban list, and lifting a ban (an office behind one NAT
/// address locked out by one misconfigured phone). The web listener is loopback-only unless the admin exposes it;
/// the console's sign-in will guard these with the rest.
/// </summary>
public static class SipEndpoints
{
    public static void Map(WebApplication app)
    {
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

    public sealed record BanReport(string Source, DateTimeOffset BannedAt, DateTimeOffset Until, int Failures);
}
