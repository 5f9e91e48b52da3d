using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

public sealed partial class SipTransactionLayer
{
    /// <summary>
    /// Shard: a valid request. ACK and CANCEL are matched to their INVITE; a retransmission goes to its transaction;
    /// anything else starts a server transaction and is handed to the TU.
    /// </summary>
    private void HandleRequest(SipShard shard, SipRequest request, SipFlow flow, long receivedAt, long arrivedAt)
    {
        if (request.IsMethod(SipMethods.Ack))
        {
            HandleAck(shard, request, flow);
            return;
        }

        if (FindServer(shard, request, request.Method) is { } existing)
        {
            SipTransactionLog.Absorbed(_logger, request.Method, request.CallId!);
            if (existing.IsSilenced)
            {
                TransactionCounters.RetransmissionAbsorbed();
            }
            else
            {
                existing.OnRetransmission();
            }

            return;
        }

        if (TryAbsorbCompleted(shard, request, arrivedAt))
        {
            return;
        }

        var timers = _configuration.Current.Sip.Timers;
        if (request.IsMethod(SipMethods.Cancel))
        {
            HandleCancel(shard, request, flow, timers);
            return;
        }

        ServerTransaction transaction;
        if (request.IsMethod(SipMethods.Invite))
        {
            var invite = new ServerInviteTransaction(this, shard, request, flow, timers);
            File(shard, invite);
            invite.Begin();
            transaction = invite;
        }
        else
        {
            var other = new ServerNonInviteTransaction(this, shard, request, flow, timers);
            File(shard, other);
            other.Begin();
            transaction = other;
        }

        if (transaction.IsTerminated)
        {
            return;
        }

        transaction.ReceivedAt = receivedAt;
        transaction.IsDelivered = true;
        var delivered = Deliver(transaction);
        if (transaction is ServerInviteTransaction asked && !transaction.HasFinalResponse && !transaction.IsTerminated)
        {
            asked.SendTrying(asked.CreateResponse(100).BuildOutgoingResponse());
        }

        if (!delivered && !transaction.HasFinalResponse)
        {
            // The TU threw before answering: the client would otherwise wait for Timer B or F.
            transaction.Respond(LayerResponse(transaction, 500, null));
        }
    }

    /// <summary>Shard: <see cref="Notify(string, Action, string?)"/> for the one callback every request makes, written
    /// out so that it costs no closure and no callback name unless the TU throws.</summary>
    private bool Deliver(ServerTransaction transaction)
    {
        try
        {
            _handler.OnRequest(transaction);
            return true;
        }
        catch (Exception ex)
        {
            SipTransactionLog.CallbackFailed(_logger, "OnRequest " + transaction.Request.Method, transaction.Request.CallId ?? "-", ex);
            return false;
        }
    }

    /// <summary>
    /// §17.2.3: an ACK matching an INVITE transaction is that transaction's (it confirms a 300-699, or in Accepted is
    /// passed up); any other ACK is for a 2xx and belongs to the dialog (§13.2.2.4).
    /// </summary>
    private void HandleAck(SipShard shard, SipRequest ack, SipFlow flow)
    {
        if (FindServer(shard, ack, SipMethods.Invite) is ServerInviteTransaction invite)
        {
            if (!invite.IsSilenced)
            {
                invite.OnAck(ack, flow);
            }
        }
        else if (!TryAbsorbCompleted(shard, ack, arrivedAt: long.MaxValue))
        {
            PassAck(ack, flow);
        }
    }

    /// <summary>
    /// §9.2: a CANCEL is a non-INVITE transaction of its own, answered here: 200 when it matches an INVITE server
    /// transaction (with that INVITE's To tag when it already sent one, §9.2), and the TU told if the INVITE still has
    /// no final response; 481 when nothing matches. The TU answers the INVITE (487) after this returns, so the 200
    /// for the CANCEL leaves first.
    /// </summary>
    private void HandleCancel(SipShard shard, SipRequest request, SipFlow flow, Configuration.SipTimerOptions timers)
    {
        var cancel = new ServerNonInviteTransaction(this, shard, request, flow, timers);
        File(shard, cancel);
        cancel.Begin();
        if (FindServer(shard, request, SipMethods.Invite) is not ServerInviteTransaction invite)
        {
            SipTransactionLog.CancelUnmatched(_logger, request.CallId!);
            cancel.Respond(LayerResponse(cancel, 481, null));
            return;
        }

        cancel.Respond(LayerResponse(cancel, 200, invite.ResponseToTag));
        if (!invite.HasFinalResponse && invite.IsDelivered)
        {
            Notify("OnCancel", () => _handler.OnCancel(invite), request.CallId);
        }
    }

    /// <summary>Responses the layer writes itself carry the Server header like the TU's do.</summary>
    private SipMessageBuilder LayerResponse(ServerTransaction transaction, int status, string? toTag) =>
        transaction.CreateResponse(status, reason: null, toTag: toTag).AddHeader("Server", _configuration.Current.Sip.UserAgent);

    internal void PassAck(SipRequest ack, SipFlow flow) => Notify("OnAck", () => _handler.OnAck(ack, flow), ack.CallId);

    internal void SendResponse(ServerTransaction transaction, SipOutgoingResponse response, bool retransmission)
    {
        if (retransmission)
        {
            TransactionCounters.RetransmissionSent();
        }
        else
        {
            Counters.ResponseSent(response.StatusCode);
        }

        Transmit(transaction, response.Bytes, transaction.Route);
    }

    /// <summary>Answers on the flow with no transaction (malformed input): nothing retransmits it, nothing waits.</summary>
    private void SendStateless(byte[] response, int status, SipFlow flow)
    {
        Counters.ResponseSent(status);
        Transmit(null, response, new SendRoute(flow, flow.Transport, null, null));
    }

    internal void ServerTransactionFailed(ServerTransaction transaction, SipTransactionFailure failure)
    {
        if (transaction.IsDelivered)
        {
            Notify("OnTransactionFailed", () => _handler.OnTransactionFailed(transaction, failure), transaction.Request.CallId);
        }
    }

    internal void SecondFinalResponse(ServerTransaction transaction, SipOutgoingResponse response) =>
        SipTransactionLog.SecondFinal(_logger, response.StatusCode, transaction.Request.Method, transaction.Request.CallId!);

    internal void ResponseIgnored(ServerTransaction transaction, SipOutgoingResponse response) =>
        SipTransactionLog.ResponseIgnored(_logger, response.StatusCode, transaction.Request.Method, transaction.Request.CallId!);

    /// <summary>Any thread: the mailbox was completely full or closed when the TU answered.</summary>
    internal void ResponseNotQueued(ServerTransaction transaction, SipOutgoingResponse response)
    {
        if (!IsStopping && _logGate.ShouldLog(SipTransactionLogGate.Kind.WorkNotQueued, out var count))
        {
            SipTransactionLog.WorkNotQueued(_logger, $"response {response.StatusCode}", transaction.Shard.Index, count);
        }
    }

    /// <summary>Any thread: as <see cref="ResponseNotQueued"/>, for a discard. The transaction's guard (a
    /// non-INVITE's Unanswered) or its client's timeout ends it.</summary>
    internal void DiscardNotQueued(ServerTransaction transaction)
    {
        if (!IsStopping && _logGate.ShouldLog(SipTransactionLogGate.Kind.WorkNotQueued, out var count))
        {
            SipTransactionLog.WorkNotQueued(_logger, "discard", transaction.Shard.Index, count);
        }
    }

    /// <summary>Shard: an INVITE still without a final response after <see cref="InviteAnswerLimit"/>: answered 500
    /// here, counted and logged (at most once a minute, like the non-INVITE guard).</summary>
    internal void InviteUnanswered(ServerTransaction transaction)
    {
        Unanswered(transaction);
        transaction.Respond(LayerResponse(transaction, 500, null));
    }

    internal void Unanswered(ServerTransaction transaction)
    {
        TransactionCounters.Unanswered();
        if (_logGate.ShouldLog(SipTransactionLogGate.Kind.Unanswered, out var count))
        {
            SipTransactionLog.Unanswered(_logger, transaction.Request.Method, transaction.Request.CallId!, count);
        }
    }

    internal void TimedOut(ISipTransaction transaction, SipTimerName timer)
    {
        TransactionCounters.Timeout();
        SipTransactionLog.TimedOut(_logger, transaction.Kind.ToString(), transaction.Request.Method, transaction.Request.CallId!, timer.ToString());
    }
}
