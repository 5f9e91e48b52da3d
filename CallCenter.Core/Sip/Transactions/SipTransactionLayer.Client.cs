using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

public sealed partial class SipTransactionLayer
{
    /// <summary>
    /// Any thread. Runs a non-INVITE client transaction (§17.1.2) on the shard of the request's Call-ID, where its
    /// responses will arrive. <paramref name="cancellationToken"/> stops the wait, not the transaction (a non-INVITE
    /// cannot be called back); the transaction still ends by its own timers.
    /// </summary>
    public Task<SipClientResult> SendNonInviteAsync(SipMessageBuilder request, SipTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(target);
        var failure = Prepare(request, target, out var built);
        if (built.IsMethod(SipMethods.Invite) || built.IsMethod(SipMethods.Ack))
        {
            throw new ArgumentException("INVITE goes through SendInvite and an ACK for a 2xx through SendAckAsync.", nameof(request));
        }

        if (failure != SipClientFailure.None)
        {
            return Task.FromResult(SipClientResult.Failed(failure));
        }

        var transaction = new ClientNonInviteTransaction(this, ShardFor(built.CallId!), built, SendRoute.ForTarget(target), _configuration.Current.Sip.Timers);

        // Taken before the shard can run it: once complete, the transaction lets go of its promise.
        var completion = transaction.Completion;
        if (!transaction.Shard.TryPost(ShardWork.StartClient(transaction)))
        {
            return Task.FromResult(SipClientResult.Failed(IsStopping ? SipClientFailure.Stopped : SipClientFailure.TransportError));
        }

        return cancellationToken.CanBeCanceled ? completion.WaitAsync(cancellationToken) : completion;
    }

    /// <summary>
    /// Any thread. Starts an INVITE client transaction (§17.1.1, RFC 6026) on the shard of its Call-ID. A request that
    /// cannot leave (no listener for the target, layer not started or stopping) still returns a handle, and the owner
    /// hears <see cref="ISipInviteOwner.OnFailure"/> like for any other failure.
    /// </summary>
    public SipClientInvite SendInvite(SipMessageBuilder invite, SipTarget target, ISipInviteOwner owner)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(owner);
        var failure = Prepare(invite, target, out var built);
        if (!built.IsMethod(SipMethods.Invite))
        {
            throw new ArgumentException("SendInvite takes an INVITE.", nameof(invite));
        }

        var transaction = new ClientInviteTransaction(this, ShardFor(built.CallId!), built, SendRoute.ForTarget(target), _configuration.Current.Sip.Timers, owner, target)
        {
            StartFailure = failure,
        };
        if (!transaction.Shard.TryPost(ShardWork.StartClient(transaction)))
        {
            // No shard will run it (stopping, or a mailbox full to the brim): tell the owner from the pool, so the
            // callback never runs inside its own SendInvite call.
            var result = SipClientResult.Failed(IsStopping ? SipClientFailure.Stopped : SipClientFailure.TransportError);
            ThreadPool.QueueUserWorkItem(_ => Notify(transaction, () => owner.OnFailure(transaction.Handle, result)));
        }

        return transaction.Handle;
    }

    public ValueTask<SipSendResult> SendAckAsync(SipMessageBuilder ack, SipTarget target)
    {
        ArgumentNullException.ThrowIfNull(ack);
        ArgumentNullException.ThrowIfNull(target);
        var failure = Prepare(ack, target, out var built);
        if (!built.IsMethod(SipMethods.Ack))
        {
            throw new ArgumentException("SendAckAsync takes an ACK.", nameof(ack));
        }

        if (failure != SipClientFailure.None || _sender is not { } sender)
        {
            return ValueTask.FromResult(SipSendResult.NoListener);
        }

        var route = SendRoute.ForTarget(target);
        TraceSent(route, built.Bytes);
        return SendWithFallbackAsync(sender, built.Bytes, route);
    }

    /// <summary>Shard: the client transaction's item reached its shard; file it and send.</summary>
    private void StartClient(SipShard shard, ClientTransaction transaction)
    {
        var failure = IsStopping ? SipClientFailure.Stopped : transaction.StartFailure;
        if (failure == SipClientFailure.None && !shard.Clients.TryAdd(transaction.Key, transaction))
        {
            // Two live requests with one branch: only a caller reusing a Via could do it, and the layer writes the Via.
            failure = SipClientFailure.TransportError;
        }

        if (failure != SipClientFailure.None)
        {
            transaction.Abandon(failure);
            return;
        }

        TransactionCounters.Created(transaction.Kind);
        transaction.Start();
    }

    /// <summary>Shard: §9.1 — the CANCEL is a non-INVITE client transaction of its own, to where the INVITE went.</summary>
    internal void StartCancel(ClientInviteTransaction invite, SipRequest cancel)
    {
        var transaction = new ClientNonInviteTransaction(this, invite.Shard, cancel, invite.Route, _configuration.Current.Sip.Timers);
        StartClient(invite.Shard, transaction);
    }

    internal void CancelNotQueued(ClientInviteTransaction invite)
    {
        if (!IsStopping && _logGate.ShouldLog(SipTransactionLogGate.Kind.WorkNotQueued, out var count))
        {
            SipTransactionLog.WorkNotQueued(_logger, "CANCEL", invite.Shard.Index, count);
        }
    }

    internal void SendRequest(ClientTransaction transaction, SipRequest request, bool retransmission)
    {
        if (retransmission)
        {
            TransactionCounters.RetransmissionSent();
        }

        Transmit(transaction, request.Bytes, transaction.Route);
    }

    /// <summary>
    /// Caller's thread: adds the top Via (§8.1.1.7, §18.1.1) and Max-Forwards (§8.1.1.6) and builds the request. The
    /// Via names the transport the request leaves by, the sent-by of the listener it leaves from (a concrete address,
    /// never 0.0.0.0), a fresh branch, and rport (RFC 3581) so that answers find their way back through NAT.
    /// Returns why the request cannot be sent, or None. The request is built either way (the INVITE handle needs it);
    /// without a listener its sent-by is the reserved name "invalid" (RFC 6761), and it never leaves.
    /// </summary>
    private SipClientFailure Prepare(SipMessageBuilder builder, SipTarget target, out SipRequest request)
    {
        var transport = target.Flow?.Transport ?? target.Transport;
        var failure = SipClientFailure.None;
        var sender = _sender;
        SipListener? listener = null;
        if (IsStopping)
        {
            failure = SipClientFailure.Stopped;
        }
        else if (sender is null)
        {
            failure = SipClientFailure.TransportError;
        }
        else
        {
            listener = target.Flow?.Listener ?? FindListener(sender.Listeners, transport, target.EndPoint.AddressFamily);
            if (listener is null)
            {
                failure = SipClientFailure.TransportError;
                if (_logGate.ShouldLog(SipTransactionLogGate.Kind.NoListener, out var count))
                {
                    SipTransactionLog.NoListener(_logger, transport.ToString(), target.ToString(), count);
                }
            }
        }

        var via = listener is null
            ? SipVia.Create(transport.ToString(), "invalid", null, NewBranch(), requestRPort: true)
            : SipVia.Create(
                transport.ToString(),
                _localAddresses.SentBy(listener.LocalEndPoint.Address, target.Flow?.Remote.Address ?? target.EndPoint.Address).ToString(),
                listener.LocalEndPoint.Port,
                NewBranch(),
                requestRPort: true);
        builder.PushVia(via);
        if (builder.GetFirstValue("Max-Forwards") is null)
        {
            builder.AddHeader("Max-Forwards", "70");
        }

        request = builder.BuildRequest();
        if (!SipMessageValidator.TryValidate(request, out var invalid))
        {
            throw new ArgumentException("The request is incomplete: " + invalid, nameof(builder));
        }

        return failure;
    }

    private static SipListener? FindListener(IReadOnlyList<SipListener> listeners, SipTransport transport, AddressFamily family)
    {
        foreach (var listener in listeners)
        {
            if (listener.Transport == transport && listener.LocalEndPoint.AddressFamily == family)
            {
                return listener;
            }
        }

        return null;
    }

    /// <summary>§8.1.1.7: the magic cookie and then 80 random bits, unique across space and time.</summary>
    private static string NewBranch()
    {
        Span<byte> random = stackalloc byte[10];
        SipRandom.Fill(random);
        return SipVia.MagicCookie + Convert.ToHexStringLower(random);
    }
}
