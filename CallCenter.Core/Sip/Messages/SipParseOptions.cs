namespace CallCenter.Core.Sip.Messages;

// Stream mode (TCP/TLS frames from SipStreamFramer) requires Content-Length (RFC 3261 §18.3);
// datagram mode takes the rest of the datagram as the body when it is absent.
public readonly record struct SipParseOptions(int MaxMessageSize, bool IsStream)
{
    // A UDP datagram cannot exceed 65,507 octets of payload; streams use the same ceiling.
    public const int DefaultMaxMessageSize = 65_535;

    public static SipParseOptions Datagram { get; } = new(DefaultMaxMessageSize, false);

    public static SipParseOptions Stream { get; } = new(DefaultMaxMessageSize, true);
}
