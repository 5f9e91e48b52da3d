using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

internal enum ShardWorkKind : byte
{
    /// <summary>Bytes from the transport.</summary>
    Inbound,

    /// <summary>The shard's transaction clock fired: the timers in <see cref="SipShard.Deadlines"/> that are due run.</summary>
    Timer,

    /// <summary>The TU answered; <see cref="ShardWork.Payload"/> is the <see cref="SipOutgoingResponse"/>.</summary>
    Respond,

    /// <summary>A client transaction built on another thread is ready to run.</summary>
    StartClient,

    /// <summary>The owner of a client INVITE asked to cancel it (§9.1).</summary>
    CancelInvite,

    /// <summary>The TU discarded a server transaction: no answer, retransmissions absorbed in silence.</summary>
    Discard,

    /// <summary>A send that did not complete at once has completed; <see cref="ShardWork.Payload"/> is the
    /// <see cref="SendOutcome"/>.</summary>
    SendCompleted,

    /// <summary>The shard's expiry timer for <see cref="CompletedTransactions"/> fired.</summary>
    Sweep,

    /// <summary>The TU got the ACK for an INVITE's 2xx (<see cref="SipServerTransaction.AckReceived"/>).</summary>
    AckReceived,
}

/// <summary>One item of a shard's mailbox. A struct so that the common case (a datagram) costs no allocation of its
/// own; <see cref="Transaction"/> is set for everything but <see cref="ShardWorkKind.Inbound"/>, <see cref="ShardWorkKind.Timer"/> and <see cref="ShardWorkKind.Sweep"/>.</summary>
internal readonly struct ShardWork
{
    private ShardWork(ShardWorkKind kind, ReadOnlyMemory<byte> bytes, SipFlow flow, ISipTransaction? transaction, object? payload, long receivedAt = 0, long arrivedAt = 0)
    {
        Kind = kind;
        ReceivedAt = receivedAt;
        ArrivedAt = arrivedAt;
        Bytes = bytes;
        Flow = flow;
        Transaction = transaction;
        Payload = payload;
    }

    public ShardWorkKind Kind { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    public SipFlow Flow { get; }

    public ISipTransaction? Transaction { get; }

    public object? Payload { get; }

    /// <summary>For <see cref="ShardWorkKind.Inbound"/>: when the transport handed the bytes over (a timestamp of
    /// the layer's TimeProvider), so that the TU can tell how long the request waited behind a backlog.</summary>
    public long ReceivedAt { get; }

    /// <summary>For <see cref="ShardWorkKind.Inbound"/>: when the datagram reached the host, before it waited in the
    /// kernel's socket buffer (the kernel's stamp; <see cref="ReceivedAt"/> where there is none).</summary>
    public long ArrivedAt { get; }

    public static ShardWork Inbound(ReadOnlyMemory<byte> bytes, SipFlow flow, long receivedAt, long arrivedAt) =>
        new(ShardWorkKind.Inbound, bytes, flow, null, null, receivedAt, arrivedAt);

    public static ShardWork Clock() => new(ShardWorkKind.Timer, default, default, null, null);

    public static ShardWork Respond(ISipTransaction transaction, SipOutgoingResponse response) => new(ShardWorkKind.Respond, default, default, transaction, response);

    public static ShardWork Discard(ISipTransaction transaction) => new(ShardWorkKind.Discard, default, default, transaction, null);

    public static ShardWork StartClient(ISipTransaction transaction) => new(ShardWorkKind.StartClient, default, default, transaction, null);

    public static ShardWork CancelInvite(ISipTransaction transaction) => new(ShardWorkKind.CancelInvite, default, default, transaction, null);

    public static ShardWork AckReceived(ISipTransaction transaction) => new(ShardWorkKind.AckReceived, default, default, transaction, null);

    public static ShardWork Sweep() => new(ShardWorkKind.Sweep, default, default, null, null);

    public static ShardWork SendCompleted(ISipTransaction transaction, SendOutcome outcome) =>
        new(ShardWorkKind.SendCompleted, default, default, transaction, outcome);
}
