using System.Globalization;
using System.Net;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage;
using Dapper;
using Microsoft.Data.Sqlite;
using static CallCenter.Core.Storage.PreparedCommands;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// The SQL of the registrations table (migration 0002). Synchronous: Microsoft.Data.Sqlite has no real async I/O,
/// and its callers (the writer task, the start-up load) are already off the SIP path.
/// <para>Writes go through one connection kept open with its two statements prepared once: opening a connection
/// (with its pragmas) and re-parsing the upsert for every row was most of what a registration cost SQLite under
/// load. Writer task only; a failure closes them, and the next batch opens them again.</para>
/// </summary>
internal sealed class RegistrationRepository(Database database) : IDisposable
{
    private const string Upsert =
        "INSERT INTO registrations (id, extension, contact_uri, q, call_id, cseq, expires_utc, registered_utc, updated_utc, user_agent, " +
        "transport, received_address, received_port, listener, connection_id) VALUES (@Id, @Extension, @ContactUri, @Q, @CallId, @CSeq, " +
        "@ExpiresUtc, @RegisteredUtc, @UpdatedUtc, @UserAgent, @Transport, @ReceivedAddress, @ReceivedPort, @Listener, @ConnectionId) " +
        "ON CONFLICT (id) DO UPDATE SET extension = excluded.extension, contact_uri = excluded.contact_uri, q = excluded.q, " +
        "call_id = excluded.call_id, cseq = excluded.cseq, expires_utc = excluded.expires_utc, registered_utc = excluded.registered_utc, " +
        "updated_utc = excluded.updated_utc, user_agent = excluded.user_agent, transport = excluded.transport, " +
        "received_address = excluded.received_address, received_port = excluded.received_port, listener = excluded.listener, " +
        "connection_id = excluded.connection_id;";

    private static readonly string[] UpsertParameters =
    [
        "@Id", "@Extension", "@ContactUri", "@Q", "@CallId", "@CSeq", "@ExpiresUtc", "@RegisteredUtc", "@UpdatedUtc", "@UserAgent",
        "@Transport", "@ReceivedAddress", "@ReceivedPort", "@Listener", "@ConnectionId",
    ];

    private SqliteConnection? _connection;
    private SqliteCommand? _upsert;
    private SqliteCommand? _delete;

    /// <summary>Applies a batch in one transaction: a null value deletes the binding with that id.</summary>
    public void Write(IReadOnlyDictionary<long, ContactBinding?> batch)
    {
        try
        {
            var connection = _connection ??= database.OpenConnection();
            _upsert ??= Prepare(connection, Upsert, UpsertParameters);
            _delete ??= Prepare(connection, "DELETE FROM registrations WHERE id = @Id;", ["@Id"]);
            using var transaction = connection.BeginTransaction();
            _upsert.Transaction = transaction;
            _delete.Transaction = transaction;
            foreach (var (id, binding) in batch)
            {
                if (binding is null)
                {
                    _delete.Parameters[0].Value = id;
                    _delete.ExecuteNonQuery();
                }
                else
                {
                    Bind(_upsert.Parameters, binding);
                    _upsert.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
        catch
        {
            // Whatever failed (a locked or vanished file), the next batch starts from a fresh connection.
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _upsert?.Dispose();
        _delete?.Dispose();
        _connection?.Dispose();
        _upsert = null;
        _delete = null;
        _connection = null;
    }

    /// <summary>Reads every row and deletes, in the same transaction, those that expired while the server was down
    /// or cannot be read back; returns the rest.</summary>
    public (IReadOnlyList<RegistrationRow> Alive, int Deleted) LoadAndPurge(DateTimeOffset utcNow)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var rows = connection.Query<RegistrationRow>(
            "SELECT id AS Id, extension AS Extension, contact_uri AS ContactUri, q AS Q, call_id AS CallId, cseq AS CSeq, " +
            "expires_utc AS ExpiresUtc, registered_utc AS RegisteredUtc, updated_utc AS UpdatedUtc, user_agent AS UserAgent, " +
            "transport AS Transport, received_address AS ReceivedAddress, received_port AS ReceivedPort, listener AS Listener, " +
            "connection_id AS ConnectionId FROM registrations ORDER BY id;",
            transaction: transaction).AsList();
        var alive = new List<RegistrationRow>(rows.Count);
        var dead = new List<long>();
        foreach (var row in rows)
        {
            if (row.TryGetExpiry(out var expires) && expires > utcNow)
            {
                alive.Add(row);
            }
            else
            {
                dead.Add(row.Id);
            }
        }

        foreach (var id in dead)
        {
            connection.Execute("DELETE FROM registrations WHERE id = @Id;", new { Id = id }, transaction);
        }

        transaction.Commit();
        return (alive, dead.Count);
    }

    /// <summary>In <see cref="UpsertParameters"/>' order.</summary>
    private static void Bind(SqliteParameterCollection parameters, ContactBinding binding)
    {
        var flow = binding.Target.Flow;
        var received = flow?.Remote ?? binding.Target.EndPoint;
        parameters[0].Value = binding.Id;
        parameters[1].Value = binding.Extension;
        parameters[2].Value = binding.ContactUri.ToString();
        parameters[3].Value = binding.Q is { } q ? q : DBNull.Value;
        parameters[4].Value = binding.CallId;
        parameters[5].Value = (long)binding.CSeq;
        parameters[6].Value = Iso(binding.ExpiresAtUtc);
        parameters[7].Value = Iso(binding.RegisteredAtUtc);
        parameters[8].Value = Iso(binding.UpdatedAtUtc);
        parameters[9].Value = (object?)binding.UserAgent ?? DBNull.Value;
        parameters[10].Value = TransportName(binding.Target.Transport);
        parameters[11].Value = received.Address.ToString();
        parameters[12].Value = received.Port;
        parameters[13].Value = (object?)flow?.Listener.ToString() ?? DBNull.Value;
        parameters[14].Value = flow?.ConnectionId ?? 0;
    }

    private static string TransportName(SipTransport transport) => transport switch
    {
        SipTransport.Udp => "udp",
        SipTransport.Tcp => "tcp",
        SipTransport.Tls => "tls",
        _ => transport.ToString().ToLowerInvariant(),
    };

    private static string Iso(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>One row of the registrations table, with SQLite's own types (INTEGER is long, REAL is double).</summary>
internal sealed record RegistrationRow(
    long Id,
    string Extension,
    string ContactUri,
    double? Q,
    string CallId,
    long CSeq,
    string ExpiresUtc,
    string RegisteredUtc,
    string UpdatedUtc,
    string? UserAgent,
    string Transport,
    string ReceivedAddress,
    long ReceivedPort,
    string? Listener,
    long ConnectionId)
{
    public bool TryGetExpiry(out DateTimeOffset expires) =>
        DateTimeOffset.TryParse(ExpiresUtc, CultureInfo.InvariantCulture, DateTimeStyles.None, out expires);

    public bool TryGetTransport(out SipTransport transport) =>
        Enum.TryParse(Transport, ignoreCase: true, out transport) && Enum.IsDefined(transport);

    public bool TryGetReceived(out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (!IPAddress.TryParse(ReceivedAddress, out var address) || ReceivedPort is < 1 or > 65_535)
        {
            return false;
        }

        endPoint = new IPEndPoint(address, (int)ReceivedPort);
        return true;
    }
}
