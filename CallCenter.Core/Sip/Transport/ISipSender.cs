using System.Net;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// The transport's sending half, as the transaction layer sees it: implemented by <see cref="SipTransportManager"/>
/// and by test fakes, so every state machine above runs without a socket. Both calls are safe from any thread.
/// </summary>
public interface ISipSender
{
    /// <summary>Sends on the flow a message came in on (RFC 3261 §18.2.2: a response goes back the way its request came).</summary>
    ValueTask<SipSendResult> SendAsync(SipFlow flow, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>Sends to an address over a transport, reusing an open connection to it when there is one (§18.1.1).</summary>
    ValueTask<SipSendResult> SendAsync(
        SipTransport transport,
        IPEndPoint remote,
        ReadOnlyMemory<byte> message,
        string? tlsTargetHost = null,
        CancellationToken cancellationToken = default);

    /// <summary>The bound listeners; the transaction layer takes the sent-by of its Via from the one a request leaves by.</summary>
    IReadOnlyList<SipListener> Listeners { get; }
}
