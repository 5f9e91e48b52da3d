using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The transaction layer's log lines, event ids 2400-2499 (2499 is the SIP trace). Anything a peer can repeat at
/// will (malformed input, retransmissions, stray responses, send failures) logs at Debug or below; the Warnings and
/// Errors a flood could repeat go through <see cref="SipTransactionLogGate"/> and carry the running count.
/// </summary>
internal static partial class SipTransactionLog
{
    [LoggerMessage(EventId = 2400, Level = LogLevel.Debug, Message = "Malformed SIP from {Flow}: {Error}")]
    public static partial void Malformed(ILogger logger, string flow, string error);

    [LoggerMessage(EventId = 2401, Level = LogLevel.Error, Message = "Handling a SIP message from {Flow} failed; the message was dropped")]
    public static partial void HandlerFailed(ILogger logger, string flow, Exception exception);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Debug, Message = "SIP transport: {Error}")]
    public static partial void TransportError(ILogger logger, string error);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "SIP shard {Shard} is full: input dropped ({Count} so far across shards)")]
    public static partial void ShardFull(ILogger logger, int shard, long count);

    [LoggerMessage(EventId = 2417, Level = LogLevel.Warning, Message = "SIP shard {Shard} has {Depth} messages waiting: new INVITEs are left for their callers to send again ({Count} so far)")]
    public static partial void InviteDeferred(ILogger logger, int shard, int depth, long count);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Debug, Message = "Stray response {Status} to {Method} from {Flow} matches no transaction; dropped")]
    public static partial void StrayResponse(ILogger logger, int status, string method, string flow);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Debug, Message = "{Kind} transaction for {Method} {CallId} timed out (Timer {Timer})")]
    public static partial void TimedOut(ILogger logger, string kind, string method, string callId, string timer);

    [LoggerMessage(EventId = 2406, Level = LogLevel.Debug, Message = "Sending to {Destination} failed: {Result}")]
    public static partial void SendFailed(ILogger logger, string destination, string result);

    [LoggerMessage(EventId = 2407, Level = LogLevel.Warning, Message = "Final response {Status} for {Method} {CallId} ignored: a final response was already given")]
    public static partial void SecondFinal(ILogger logger, int status, string method, string callId);

    [LoggerMessage(EventId = 2408, Level = LogLevel.Debug, Message = "Response {Status} for {Method} {CallId} ignored: the transaction is past it")]
    public static partial void ResponseIgnored(ILogger logger, int status, string method, string callId);

    [LoggerMessage(EventId = 2409, Level = LogLevel.Warning, Message = "{Method} {CallId} was never answered by the server in time: a non-INVITE is dropped after 64*T1, an INVITE answered 500 after 15 min ({Count} so far)")]
    public static partial void Unanswered(ILogger logger, string method, string callId, long count);

    [LoggerMessage(EventId = 2410, Level = LogLevel.Error, Message = "The SIP {Callback} callback for {CallId} threw")]
    public static partial void CallbackFailed(ILogger logger, string callback, string callId, Exception exception);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Information, Message = "SIP transaction layer stopped; {Abandoned} client transactions ended with it")]
    public static partial void Stopped(ILogger logger, int abandoned);

    [LoggerMessage(EventId = 2412, Level = LogLevel.Information, Message = "SIP transaction layer started: {Shards} shards of {Capacity} messages")]
    public static partial void Started(ILogger logger, int shards, int capacity);

    [LoggerMessage(EventId = 2413, Level = LogLevel.Error, Message = "Could not queue a {Work} on SIP shard {Shard}: its mailbox is full or closed ({Count} so far)")]
    public static partial void WorkNotQueued(ILogger logger, string work, int shard, long count);

    [LoggerMessage(EventId = 2414, Level = LogLevel.Debug, Message = "CANCEL for {CallId} matches no INVITE; answered 481")]
    public static partial void CancelUnmatched(ILogger logger, string callId);

    [LoggerMessage(EventId = 2415, Level = LogLevel.Trace, Message = "Retransmitted {Method} for {CallId} absorbed")]
    public static partial void Absorbed(ILogger logger, string method, string callId);

    [LoggerMessage(EventId = 2416, Level = LogLevel.Warning, Message = "No {Transport} listener can send to {Target} ({Count} so far)")]
    public static partial void NoListener(ILogger logger, string transport, string target, long count);
}
