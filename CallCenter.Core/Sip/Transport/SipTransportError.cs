namespace CallCenter.Core.Sip.Transport;

public enum SipTransportErrorKind
{
    /// <summary>A datagram reached MaxMessageBytes + 1 bytes and was dropped unread (the layer above may answer 513).</summary>
    OversizeDatagram,

    /// <summary>A TCP/TLS connection was closed by the transport; <see cref="SipTransportError.CloseReason"/> says why.</summary>
    ConnectionClosed,

    /// <summary>An inbound connection arrived while MaxConnections were open and was reset at once.</summary>
    ConnectionRejected,

    /// <summary>The handler threw while taking a message.</summary>
    HandlerFault,
}

/// <summary>A transport event worth counting. <see cref="Flow"/> is null when no flow exists yet (a rejected
/// connection has only a remote address, reported in <see cref="Remote"/>).</summary>
public readonly record struct SipTransportError(
    SipTransportErrorKind Kind,
    SipFlow? Flow,
    System.Net.IPEndPoint? Remote,
    SipConnectionCloseReason? CloseReason = null);
