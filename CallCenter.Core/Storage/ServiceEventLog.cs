using System.Globalization;
using Dapper;

namespace CallCenter.Core.Storage;

/// <summary>Appends to and reads the appliance's audit trail (table service_events).</summary>
public sealed class ServiceEventLog(Database database, TimeProvider time)
{
    public Task AppendAsync(string node, string kind, string? detail, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                using var connection = database.OpenConnection();
                connection.Execute(
                    "INSERT INTO service_events (at_utc, node, kind, detail) VALUES (@At, @Node, @Kind, @Detail);",
                    new { At = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), Node = node, Kind = kind, Detail = detail });
            },
            cancellationToken);

    public Task<IReadOnlyList<ServiceEvent>> ReadLatestAsync(int count, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<ServiceEvent>>(
            () =>
            {
                using var connection = database.OpenConnection();
                return connection.Query<ServiceEvent>(
                    "SELECT id AS Id, at_utc AS AtUtc, node AS Node, kind AS Kind, detail AS Detail FROM service_events ORDER BY id DESC LIMIT @Count;",
                    new { Count = count }).AsList();
            },
            cancellationToken);
}

public sealed record ServiceEvent(long Id, string AtUtc, string Node, string Kind, string? Detail);
