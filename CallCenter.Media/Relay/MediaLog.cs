using System.Net;
using System.Net.Sockets;
using CallCenter.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace CallCenter.Media.Relay;

/// <summary>Event ids 4000-4099 belong to media.</summary>
internal static partial class MediaLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "Media relay ready: ports {PortMin}-{PortMax} on {Address}, media timeout {MediaTimeout}, {EventLoops} event loops (0: the runtime's async sockets), at most {MaxRelays} relays at once")]
    public static partial void Ready(ILogger logger, int portMin, int portMax, IPAddress address, TimeSpan mediaTimeout, int eventLoops, int maxRelays);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "No free RTP port pair in {PortMin}-{PortMax} for a new relay; {Count} refused so far")]
    public static partial void PortsExhausted(ILogger logger, int portMin, int portMax, long count);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "RTP port {Port} is taken by another program; skipped")]
    public static partial void PortTaken(ILogger logger, int port);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Cannot bind RTP sockets on {Address}: {Error}; {Count} so far (logged at the 1st, 10th, 100th...)")]
    public static partial void BindFailed(ILogger logger, IPAddress address, SocketError error, long count);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Relay {RelayId} opened: leg A on {PortA}, leg B on {PortB}")]
    public static partial void RelayOpened(ILogger logger, long relayId, int portA, int portB);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information,
        Message = "Relay {RelayId} leg {Leg} latched to {Source}; SDP said {Sdp}")]
    public static partial void Latched(ILogger logger, long relayId, MediaLegSide leg, IPEndPoint source, IPEndPoint sdp);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information,
        Message = "Relay {RelayId} leg {Leg} ignored RTP from {Source}: it is latched to {Latched}; {Count} so far")]
    public static partial void ForeignSource(ILogger logger, long relayId, MediaLegSide leg, IPEndPoint source, IPEndPoint latched, long count);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Debug,
        Message = "Relay {RelayId} leg {Leg} dropped a datagram that is not RTP ({Reason}); {Count} so far")]
    public static partial void Garbage(ILogger logger, long relayId, MediaLegSide leg, RtpReadError reason, long count);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug,
        Message = "Relay {RelayId} leg {Leg} dropped a datagram that is not RTCP ({Reason}); {Count} so far")]
    public static partial void RtcpGarbage(ILogger logger, long relayId, MediaLegSide leg, RtcpReadError reason, long count);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug,
        Message = "Relay {RelayId} leg {Leg}: SSRC {OldSsrc:X8} became {NewSsrc:X8}; the other leg sees one stream")]
    public static partial void SourceChanged(ILogger logger, long relayId, MediaLegSide leg, uint oldSsrc, uint newSsrc);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Relay {RelayId} leg {Leg} sent no RTP for {Silence}")]
    public static partial void MediaTimeout(ILogger logger, long relayId, MediaLegSide leg, TimeSpan silence);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "The observer of relay {RelayId} threw; {Count} so far")]
    public static partial void ObserverFault(ILogger logger, Exception exception, long relayId, long count);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information,
        Message = "Relay {RelayId} leg {Leg}: receive error {Error} (usually ICMP port unreachable); {Count} so far")]
    public static partial void ReceiveError(ILogger logger, long relayId, MediaLegSide leg, SocketError error, long count);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "Unexpected error in a receive loop of relay {RelayId} leg {Leg}; the loop goes on")]
    public static partial void LoopFault(ILogger logger, Exception exception, long relayId, MediaLegSide leg);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Debug,
        Message = "Relay {RelayId} closed: A in {InA} out {OutA}, B in {InB} out {OutB} packets")]
    public static partial void RelayClosed(ILogger logger, long relayId, long inA, long outA, long inB, long outB);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information,
        Message = "Relay {RelayId} leg {Leg}: sending to {Destination} failed ({Error}); {Count} so far")]
    public static partial void SendFailed(ILogger logger, long relayId, MediaLegSide leg, IPEndPoint destination, SocketError error, long count);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Error, Message = "The media heartbeat failed; it runs again at the next interval")]
    public static partial void HeartbeatFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning,
        Message = "The media event loop is unavailable ({Call} failed with errno {Errno}); relays use the runtime's async sockets")]
    public static partial void EventLoopUnavailable(ILogger logger, string call, int errno);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Critical,
        Message = "The media event loop stopped: epoll_wait failed with errno {Errno}; relays no longer forward media")]
    public static partial void EventLoopFailed(ILogger logger, int errno);

    [LoggerMessage(EventId = 4019, Level = LogLevel.Error,
        Message = "Relay {RelayId} leg {Leg}: a socket could not join the media event loop (errno {Errno}); it is not served")]
    public static partial void EventLoopRegisterFailed(ILogger logger, long relayId, MediaLegSide leg, int errno);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning,
        Message = "The media pacing loop fell {Skipped} ticks of 20 ms behind; {Streams} playing streams skip that audio")]
    public static partial void PacingSkipped(ILogger logger, long skipped, int streams);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Error, Message = "A playback source of relay {RelayId} toward leg {Leg} failed; the playback ends")]
    public static partial void PlaybackFault(ILogger logger, Exception exception, long relayId, MediaLegSide leg);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Error, Message = "The playback observer of relay {RelayId} threw")]
    public static partial void PlaybackObserverFault(ILogger logger, Exception exception, long relayId);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Error, Message = "Unexpected error in the media pacing loop; it goes on at the next tick")]
    public static partial void PacingFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Warning,
        Message = "A new relay was refused: the relays hold {Pairs} socket pairs, all the process's descriptor limit leaves them (raise LimitNOFILE or lower maxCalls); {Count} refused so far (logged at the 1st, 10th, 100th...)")]
    public static partial void SocketBudgetExhausted(ILogger logger, int pairs, long count);
}
