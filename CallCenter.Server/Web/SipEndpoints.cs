using System.Net;
using CallCenter.Core.Sip.Auth;
using CallCenter.Core.Sip.Registrar;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Sip.Transport;
using CallCenter.Server.Hosting;

namespace CallCenter.Server.Web;

/// <summary>
/// The SIP state an admin looks at: who is registered from where, the built-in fail2ban's ban list, lifting a ban (an office behind one NAT
/// address locked out by one misconfigured phone), and the counters of the stack. The web listener is loopback-only unless the admin exposes it;
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

        // Counters since start: requests by method and responses by class, what the transaction layer absorbed,
        // retransmitted and had to let go early (CompletedEvicted > 0 means Timer J was cut short by the memory
        // budget, NonceTableEvicted > 0 that late first uses of old nonces may be answered stale), and the transport's.
        app.MapGet("/api/sip/statistics", (SipService sip, DigestNonceManager nonces) =>
            Results.Json(new StatisticsReport(
                sip.MessageCounters,
                sip.TransactionStatistics,
                sip.TransportStatistics,
                nonces.TrackedCount,
                nonces.EvictedCount)));

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

    public sealed record StatisticsReport(
        SipCounterSnapshot Messages,
        SipTransactionStatistics Transactions,
        SipTransportStatistics? Transport,
        int NonceTableTracked,
        long NonceTableEvicted);

    public sealed record BanReport(string Source, DateTimeOffset BannedAt, DateTimeOffset Until, int Failures);
}
