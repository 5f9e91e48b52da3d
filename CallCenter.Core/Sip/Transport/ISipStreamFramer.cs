namespace CallCenter.Core.Sip.Transport;

public enum SipFrameStatus
{
    /// <summary>A whole message starts at <see cref="SipFrame.Skip"/> and is <see cref="SipFrame.Length"/> bytes long.</summary>
    Complete,

    /// <summary>No whole message yet; <see cref="SipFrame.Skip"/> leading bytes (CRLF keep-alives) may be dropped.</summary>
    NeedMore,

    /// <summary>The message under way would exceed the maximum size.</summary>
    TooLarge,

    /// <summary>No message boundary can be found (garbage, bad Content-Length).</summary>
    Malformed,
}

/// <summary>What a framer found at the start of buffered stream bytes.</summary>
public readonly record struct SipFrame(SipFrameStatus Status, int Skip, int Length);

/// <summary>
/// Cuts a TCP/TLS byte stream into messages (RFC 3261 §18.3: by Content-Length). The transport knows nothing of
/// SIP, so the protocol layer supplies this. Called on the connection's read loop only, so it needs no locks;
/// it must be stateless across calls because the transport passes the whole unconsumed buffer every time.
/// </summary>
public interface ISipStreamFramer
{
    SipFrame Frame(ReadOnlySpan<byte> buffered, int maxMessageBytes);
}
