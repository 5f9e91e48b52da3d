using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

public sealed partial class SipTransactionLayer
{
    /// <summary>
    /// Shard (or any thread for stateless sends with no <paramref name="owner"/>): sends and never waits. A send the
    /// transport completes at once (UDP, nearly always) is settled here; one that does not (a TCP connect, a busy
    /// connection) reports back through the owner's mailbox, so a slow peer holds up nobody else on the shard.
    /// </summary>
    internal void Transmit(ISipTransaction? owner, ReadOnlyMemory<byte> bytes, SendRoute route)
    {
        if (_sender is not { } sender)
        {
            return;
        }

        TraceSent(route, bytes);
        Attempt(sender, owner, bytes, route, viaFlow: route.Flow is not null);
    }

    private void Attempt(ISipSender sender, ISipTransaction? owner, ReadOnlyMemory<byte> bytes, SendRoute route, bool viaFlow)
    {
        ValueTask<SipSendResult> send;
        try
        {
            send = viaFlow
                ? sender.SendAsync(route.Flow!.Value, bytes)
                : sender.SendAsync(route.Transport, route.EndPoint!, bytes, route.TlsHost);
        }
        catch (ObjectDisposedException)
        {
            // The transport stopped under us (shutdown): the same as a socket that cannot send.
            send = ValueTask.FromResult(SipSendResult.SendFailed);
        }

        if (send.IsCompletedSuccessfully)
        {
            OnSendCompleted(owner, bytes, route, viaFlow, send.Result);
        }
        else
        {
            _ = CompleteLaterAsync(sender, owner, bytes, route, viaFlow, send);
        }
    }

    private async Task CompleteLaterAsync(ISipSender sender, ISipTransaction? owner, ReadOnlyMemory<byte> bytes, SendRoute route, bool viaFlow, ValueTask<SipSendResult> send)
    {
        SipSendResult result;
        try
        {
            result = await send.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            result = SipSendResult.SendFailed;
        }

        if (owner is null)
        {
            // Stateless: no shard state to touch, so the fallback (if any) is tried from here.
            if (result == SipSendResult.ConnectionClosed && viaFlow && route.EndPoint is not null)
            {
                Attempt(sender, null, bytes, route with { Flow = null }, viaFlow: false);
            }
            else if (result != SipSendResult.Sent)
            {
                SendFailed(route, result);
            }

            return;
        }

        if (!owner.Shard.TryPost(ShardWork.SendCompleted(owner, new SendOutcome(bytes, route, viaFlow, result)))
            && !IsStopping && _logGate.ShouldLog(SipTransactionLogGate.Kind.WorkNotQueued, out var count))
        {
            SipTransactionLog.WorkNotQueued(_logger, "send result", owner.Shard.Index, count);
        }
    }

    /// <summary>
    /// Shard: a send's outcome. A closed flow is not yet a failure: RFC 3261 §18.2.2 sends a response to the Via
    /// sent-by instead, and a client request goes to the target's endpoint (SipTarget). Anything else that is not
    /// Sent is the transaction's transport error (§17.1.4, §17.2.4).
    /// </summary>
    private void OnSendCompleted(ISipTransaction? owner, ReadOnlyMemory<byte> bytes, SendRoute route, bool viaFlow, SipSendResult result)
    {
        if (result == SipSendResult.Sent)
        {
            return;
        }

        if (result == SipSendResult.ConnectionClosed && viaFlow && route.EndPoint is not null && _sender is { } sender)
        {
            var fallback = route with { Flow = null };
            if (owner is { IsTerminated: false })
            {
                // Later messages of the transaction (an ACK, a CANCEL, a repeated final response) go there too.
                owner.Route = fallback;
            }

            Attempt(sender, owner, bytes, fallback, viaFlow: false);
            return;
        }

        SendFailed(route, result);
        if (owner is { IsTerminated: false })
        {
            owner.OnTransportError(result);
        }
    }

    private void SendFailed(SendRoute route, SipSendResult result)
    {
        TransactionCounters.TransportError();
        SipTransactionLog.SendFailed(_logger, route.ToString(), result.ToString());
    }

    /// <summary>Any thread: the stateless path of <see cref="SendAckAsync"/>, with the same fallback.</summary>
    private async ValueTask<SipSendResult> SendWithFallbackAsync(ISipSender sender, ReadOnlyMemory<byte> bytes, SendRoute route)
    {
        var result = SipSendResult.SendFailed;
        try
        {
            if (route.Flow is { } flow)
            {
                result = await sender.SendAsync(flow, bytes).ConfigureAwait(false);
                if (result != SipSendResult.ConnectionClosed || route.EndPoint is null)
                {
                    return Settled(result);
                }
            }

            result = await sender.SendAsync(route.Transport, route.EndPoint!, bytes, route.TlsHost).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            result = SipSendResult.SendFailed;
        }

        return Settled(result);

        SipSendResult Settled(SipSendResult outcome)
        {
            if (outcome != SipSendResult.Sent)
            {
                SendFailed(route, outcome);
            }

            return outcome;
        }
    }

    private void TraceSent(SendRoute route, ReadOnlyMemory<byte> bytes)
    {
        if (_configuration.Current.Logging.SipTrace)
        {
            SipTrace.Sent(_trace, route.ToString(), bytes);
        }
    }
}
