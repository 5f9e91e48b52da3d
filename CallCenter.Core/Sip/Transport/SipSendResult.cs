namespace CallCenter.Core.Sip.Transport;

/// <summary>Outcome of a send. Failures are expected events on a network (RFC 3261 §18.4: the transaction layer
/// turns them into a transport error), so they are results, not exceptions.</summary>
public enum SipSendResult
{
    Sent,

    /// <summary>No listener of that transport and address family exists to send from.</summary>
    NoListener,

    /// <summary>The flow's connection is gone; RFC 3261 §18.2.2 leaves the retry to the layer above.</summary>
    ConnectionClosed,

    /// <summary>A new connection could not be opened (refused, timed out, TLS handshake failed).</summary>
    ConnectFailed,

    /// <summary>The message exceeds the 65,507-byte UDP payload limit (RFC 3261 §18.1.1 wants TCP well before that;
    /// choosing the transport is the layer above's job).</summary>
    TooLarge,

    /// <summary>The socket reported an error while sending.</summary>
    SendFailed,
}
