namespace CallCenter.Core.Sip.Transport;

public enum SipConnectionCloseReason
{
    /// <summary>The peer closed or reset the connection.</summary>
    Peer,

    /// <summary>Nothing was read or written for IdleConnectionTimeout.</summary>
    Idle,

    /// <summary>A message (or a TLS handshake) was started and not finished within PartialMessageTimeout.</summary>
    PartialTimeout,

    /// <summary>A message would exceed MaxMessageBytes.</summary>
    Oversize,

    /// <summary>The framer could not find a message boundary (garbage, bad Content-Length).</summary>
    Malformed,

    /// <summary>The TLS handshake failed.</summary>
    TlsHandshakeFailed,

    /// <summary>A write did not complete within PartialMessageTimeout: the peer stopped reading.</summary>
    WriteStalled,

    /// <summary>A socket error other than an orderly close.</summary>
    Error,

    /// <summary>The manager is being disposed.</summary>
    Shutdown,
}
