using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

public sealed partial class SipTransactionLayer
{
    /// <summary>
    /// Shard: the server transaction <paramref name="request"/> belongs to under <paramref name="method"/> (its own
    /// method, or INVITE for an ACK or for the INVITE a CANCEL targets). §17.2.3: by branch, sent-by and method when
    /// the branch carries the magic cookie; otherwise by the RFC 2543 fields, of which the To tag is checked here —
    /// an ACK must carry the tag of the response it acknowledges, anything else the tag its INVITE carried.
    /// </summary>
    private static ServerTransaction? FindServer(SipShard shard, SipRequest request, string method)
    {
        var via = request.TopVia!;
        if (via.HasRfc3261Branch)
        {
            return shard.Servers.GetValueOrDefault(ServerTransactionKey.Of(via, method));
        }

        if (!shard.LegacyServers.TryGetValue(LegacyServerTransactionKey.Of(request, method), out var legacy))
        {
            return null;
        }

        var expectedTag = request.IsMethod(SipMethods.Ack) ? legacy.ResponseToTag : legacy.Request.To?.Tag;
        return string.Equals(request.To?.Tag, expectedTag, StringComparison.Ordinal) ? legacy : null;
    }

    private void File(SipShard shard, ServerTransaction transaction)
    {
        if (transaction.Key is { } key)
        {
            shard.Servers[key] = transaction;
        }
        else
        {
            shard.LegacyServers[transaction.LegacyKey!.Value] = transaction;
        }

        TransactionCounters.Created(transaction.Kind);
    }

    /// <summary>Shard: a transaction terminated. It is removed only if it is still the one filed under its key.</summary>
    internal void Forget(ISipTransaction transaction)
    {
        var shard = transaction.Shard;
        var removed = transaction switch
        {
            ServerTransaction { Key: { } key } server => shard.Servers.Remove(key, out var filed) && Keep(shard.Servers, key, filed, server),
            ServerTransaction server => shard.LegacyServers.Remove(server.LegacyKey!.Value, out var filed) && Keep(shard.LegacyServers, server.LegacyKey!.Value, filed, server),
            ClientTransaction client => shard.Clients.Remove(client.Key, out var filed) && Keep(shard.Clients, client.Key, filed, client),
            _ => false,
        };
        if (removed)
        {
            TransactionCounters.Ended(transaction.Kind);
        }
    }

    /// <summary>
    /// Shard: §17.1.3 — a response goes to the client transaction of its top Via branch and CSeq method. A response
    /// with more than one Via was not meant for us (§8.1.3.3: our requests carry one), and one that matches nothing is
    /// dropped: RFC 6026 §7.3 ends the old advice to pass stray responses up. A transaction that only lingers is
    /// looked up in its shard's <see cref="LingeringClients"/> stores.
    /// </summary>
    private void HandleResponse(SipShard shard, SipResponse response, SipFlow flow)
    {
        if (response.Vias.Count == 1 && response.TopVia!.Branch is { Length: > 0 } branch)
        {
            if (shard.Clients.TryGetValue(new ClientTransactionKey(branch, response.CSeq!.Value.Method), out var transaction))
            {
                transaction.OnResponse(response);
                return;
            }

            if (TryAbsorbLingering(shard, response, branch))
            {
                return;
            }
        }

        TransactionCounters.StrayResponse();
        SipTransactionLog.StrayResponse(_logger, response.StatusCode, response.CSeq!.Value.Method, flow.ToString());
    }

    /// <summary>Puts back an entry removed by mistake (another transaction filed under the same key since).</summary>
    private static bool Keep<TKey, TValue>(Dictionary<TKey, TValue> table, TKey key, TValue filed, TValue mine)
        where TKey : notnull
        where TValue : class
    {
        if (ReferenceEquals(filed, mine))
        {
            return true;
        }

        table[key] = filed;
        return false;
    }
}
