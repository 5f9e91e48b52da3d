using System.Net;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Transport;

/// <summary>Event ids 2000-2099 belong to the SIP transport.</summary>
internal static partial class SipTransportLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "SIP listening on {Listener}")]
    public static partial void Listening(ILogger logger, SipListener listener);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Dropped an oversize datagram (over {MaxBytes} bytes) from {Remote} on {Listener}; {Count} so far")]
    public static partial void OversizeDatagram(ILogger logger, int maxBytes, IPEndPoint remote, SipListener listener, long count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "UDP receive error {Error} on {Listener} (usually ICMP port unreachable); {Count} so far")]
    public static partial void UdpReceiveError(ILogger logger, System.Net.Sockets.SocketError error, SipListener listener, long count);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error,
        Message = "The SIP message handler threw for a message from {Flow}; {Count} so far")]
    public static partial void HandlerFault(ILogger logger, Exception exception, SipFlow flow, long count);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Rejected a connection from {Remote} on {Listener}: {Max} connections open; {Count} so far")]
    public static partial void ConnectionRejected(ILogger logger, IPEndPoint? remote, SipListener listener, int max, long count);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information,
        Message = "Closed connection {Flow}: {Reason}; {Count} closed for this reason so far")]
    public static partial void ConnectionClosed(ILogger logger, SipFlow flow, SipConnectionCloseReason reason, long count);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Could not connect to {Transport}:{Remote}: {Error}")]
    public static partial void ConnectFailed(ILogger logger, Configuration.SipTransport transport, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Error, Message = "Unexpected error in the receive loop of {Listener}; the loop goes on")]
    public static partial void LoopFault(ILogger logger, Exception exception, SipListener listener);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "SIP transport stopped")]
    public static partial void Stopped(ILogger logger);
}
