using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

internal enum SipTransactionKind
{
    ServerInvite,
    ServerNonInvite,
    ClientInvite,
    ClientNonInvite,
}

/// <summary>What the layer and its shards need of any of the four state machines. Every member runs on the
/// transaction's shard.</summary>
internal interface ISipTransaction
{
    SipTransactionKind Kind { get; }

    SipShard Shard { get; }

    SipRequest Request { get; }

    bool IsTerminated { get; }

    /// <summary>Where this transaction sends; changed once when a closed flow made the layer fall back (§18.2.2, and
    /// <see cref="SipTarget"/>'s endpoint for client transactions).</summary>
    SendRoute Route { get; set; }

    /// <summary>A timer posted by <see cref="TransactionTimer"/>; stale ones are ignored by the transaction.</summary>
    void OnTimer(TransactionTimer timer);

    /// <summary>§17.1.4 and §17.2.4: the transport could not send.</summary>
    void OnTransportError(SipSendResult result);
}

/// <summary>
/// Where a transaction's messages go: the flow first when there is one, then — if that connection has closed — the
/// endpoint over the transport. For responses the endpoint is the request's source address with the Via sent-by port
/// (§18.2.2); for client requests it is <see cref="SipTarget.EndPoint"/>.
/// </summary>
internal readonly record struct SendRoute(SipFlow? Flow, SipTransport Transport, System.Net.IPEndPoint? EndPoint, string? TlsHost)
{
    /// <summary>§17: the timers that cover loss (A, E, G) run and the linger timers (D, I, J, K) are non-zero on
    /// unreliable transports only.</summary>
    public bool IsReliable => Transport != SipTransport.Udp;

    public static SendRoute ForTarget(SipTarget target) =>
        new(target.Flow, target.Flow?.Transport ?? target.Transport, target.EndPoint, target.TlsHost);

    public override string ToString() => Flow?.ToString() ?? $"{Transport.ToString().ToLowerInvariant()}:{EndPoint}";
}

/// <summary>A send that completed after the shard moved on, reported back through the shard's mailbox.</summary>
internal sealed record SendOutcome(ReadOnlyMemory<byte> Bytes, SendRoute Route, bool ViaFlow, SipSendResult Result);
