namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// The layer above the transport (the transaction layer). Both methods are called on a transport receive loop:
/// a few threads per UDP socket (datagrams have no order to keep) and one loop per TCP/TLS connection, so calls for
/// one connection arrive in order while everything else may arrive concurrently. While the handler runs, that socket or connection reads nothing: it may do
/// a bounded amount of work on the caller's thread (the transaction layer parses and answers a message on the loop
/// that read it, saving a thread wake-up per message) but must never wait on I/O or on another thread, and it drops
/// and counts what it cannot take.
/// An exception thrown here is counted and logged, and the loop goes on with the next message.
/// </summary>
public interface ISipTransportHandler
{
    /// <summary>One complete message. The memory is a fresh copy owned by the handler, which may keep it.</summary>
    void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow);

    /// <summary>One complete datagram that waited <paramref name="waited"/> in the kernel's socket buffer before it
    /// was read (zero when the platform does not say).</summary>
    void OnMessageReceived(ReadOnlyMemory<byte> message, SipFlow flow, TimeSpan waited) => OnMessageReceived(message, flow);

    /// <summary>Something worth counting happened (oversize datagram, connection closed for a limit...).</summary>
    void OnTransportError(SipTransportError error);
}
