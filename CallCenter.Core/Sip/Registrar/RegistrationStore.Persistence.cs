using System.Globalization;
using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Storage;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

public sealed partial class RegistrationStore
{
    /// <summary>
    /// Opens the store over the database: restores the bindings that have not expired yet (their remaining time is
    /// the stored UTC expiry minus the clock's UTC now, then counted on the monotonic clock), deletes the rest, and
    /// from then on writes every change behind the SIP path.
    /// </summary>
    public static async Task<RegistrationStore> OpenAsync(Database database, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        var repository = new RegistrationRepository(database);
        var utcNow = time.GetUtcNow();
        var (rows, deleted) = await Task.Run(() => repository.LoadAndPurge(utcNow), cancellationToken);
        var logger = loggers.CreateLogger<RegistrationStore>();
        var writer = new RegistrationWriter(repository, time, logger);
        var store = new RegistrationStore(time, logger, writer);
        var unreadable = store.Restore(rows, utcNow);
        writer.Start();
        LogRestored(logger, rows.Count - unreadable, deleted + unreadable);
        return store;
    }

    // Called once, before the store is shared. Returns how many rows could not be turned back into bindings; they
    // are deleted through the writer.
    private int Restore(IReadOnlyList<RegistrationRow> rows, DateTimeOffset utcNow)
    {
        var unreadable = 0;
        lock (_gate)
        {
            var now = Now;
            foreach (var row in rows)
            {
                _nextId = Math.Max(_nextId, row.Id + 1);
                if (!SipUri.TryParse(row.ContactUri, out var contact) || !row.TryGetTransport(out var transport)
                    || !row.TryGetReceived(out var received) || !row.TryGetExpiry(out var expiresUtc)
                    || row.CSeq is < 0 or > uint.MaxValue)
                {
                    unreadable++;
                    _writer?.EnqueueDelete(row.Id);
                    continue;
                }

                var updatedUtc = ParseOr(row.UpdatedUtc, utcNow);
                var binding = new ContactBinding
                {
                    Id = row.Id,
                    Extension = row.Extension,
                    ContactUri = contact,
                    Q = row.Q,
                    Target = RestoredTarget(transport, received, contact),
                    CallId = row.CallId,
                    CSeq = (uint)row.CSeq,
                    ExpiresAtUtc = expiresUtc,
                    RegisteredAtUtc = ParseOr(row.RegisteredUtc, updatedUtc),
                    UpdatedAtUtc = updatedUtc,
                    UserAgent = row.UserAgent,
                    Reachability = Reachability.Unknown,
                    ExpiresAt = now + (expiresUtc - utcNow),
                    UpdatedAt = now - (utcNow - updatedUtc),
                };

                _byId[binding.Id] = binding;
                _expiries.Added(binding);
                _writtenExpiry[binding.Id] = expiresUtc;
                var bindings = _aors.TryGetValue(binding.Extension, out var aor) ? aor.Bindings.Add(binding) : [binding];
                ReplaceAorLocked(binding.Extension, bindings);
            }

            ArmLocked();
        }

        return unreadable;
    }

    /// <summary>
    /// Where a restored binding is reached. UDP: the received address, as before the restart (the phone's NAT mapping
    /// usually outlives a restart of ours). TCP/TLS: the connection died with the process, and the received port was
    /// the phone's ephemeral client port on it, where nothing listens; the Contact is where the phone said it accepts
    /// requests (§10.2.1, §18.2.1), so a new connection goes there when it is an IP address. A phone behind a NAT is
    /// unreachable either way until it reconnects and refreshes; qualify marks it so and routing ranks it last
    /// instead of the binding being dropped, which would lose phones that are on the LAN and fine.
    /// </summary>
    internal static SipTarget RestoredTarget(SipTransport transport, IPEndPoint received, SipUri contact)
    {
        if (transport == SipTransport.Udp)
        {
            return new SipTarget(transport, received);
        }

        var host = contact.Host.StartsWith('[') && contact.Host.EndsWith(']') ? contact.Host[1..^1] : contact.Host;
        if (contact.IsSip && IPAddress.TryParse(host, out var address))
        {
            var port = contact.Port ?? (transport == SipTransport.Tls ? 5061 : 5060);
            return new SipTarget(transport, new IPEndPoint(address, port));
        }

        return new SipTarget(transport, received);
    }

    private static DateTimeOffset ParseOr(string text, DateTimeOffset fallback) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : fallback;
}
