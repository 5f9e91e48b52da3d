using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>The call layer's log lines, event ids 3000–3099. Every line names the call by its unique id.</summary>
internal static partial class CallLog
{
    // Debug, as is "answered": at Information a call is one line, its end (3004), which names the parties. Three lines
    // a call were 6 % of the server's CPU at 3,000 calls/s (perf, session 12), each written through to the file.
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Call {UniqueId}: {Caller} dialling {Callee} at {Target}")]
    public static partial void Dialing(ILogger logger, string uniqueId, string caller, string callee, string target);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Call {UniqueId}: answered")]
    public static partial void Answered(ILogger logger, string uniqueId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Call {UniqueId}: not connected, the caller got {Status} ({Why})")]
    public static partial void Failed(ILogger logger, string uniqueId, int status, string why);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Call {UniqueId}: hung up by {By}")]
    public static partial void HungUp(ILogger logger, string uniqueId, string by);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Call {UniqueId}: ended {Disposition} (SIP {Status}, by {By}) after {Seconds:F1} s, {Caller} to {Dialled}")]
    public static partial void Ended(ILogger logger, string uniqueId, string disposition, int status, string by, double seconds, string caller, string dialled);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Call {UniqueId}: no answer within {Seconds} s")]
    public static partial void NoAnswer(ILogger logger, string uniqueId, double seconds);

    // The digit is a string, not a char: a sink that renders non-string values as JSON (the server's log file)
    // printed a char quoted, DTMF '"5"'.
    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Call {UniqueId}: DTMF '{Digit}' from the {Leg}")]
    public static partial void Digit(ILogger logger, string uniqueId, string leg, string digit);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Call {UniqueId}: no RTP from the {Leg} for {Seconds:F0} s")]
    public static partial void MediaTimeout(ILogger logger, string uniqueId, string leg, double seconds);

    // Gated (CallLogGate): an INVITE storm is exactly when a line per refusal would flood the log.
    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "INVITE from {Extension} refused with 503: {Active} calls in progress, the caller at its call limit, or no media relay left; {Count} refused so far (logged at the 1st, 10th, 100th...)")]
    public static partial void Overloaded(ILogger logger, string extension, int active, long count);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "INVITE from {Extension} refused with 503: it waited {WaitMs:F0} ms behind the server's backlog (the limit is {LimitMs:F0} ms); {Count} shed so far (logged at the 1st, 10th, 100th...)")]
    public static partial void Shed(ILogger logger, string extension, double waitMs, double limitMs, long count);

    // Debug: the media layer logs why relays cannot be made (rate-limited) and each refused call is logged as failed;
    // a warning per call here would flood the log in the very burst that causes it.
    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "Call {UniqueId}: no media relay ({Error})")]
    public static partial void NoRelay(ILogger logger, string uniqueId, string error);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Call {UniqueId}: unreadable SDP from the {Leg}: {Error}")]
    public static partial void BadSdp(ILogger logger, string uniqueId, string leg, string error);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Call {UniqueId}: no codec in common with the {Leg}: {Detail}")]
    public static partial void NoCommonCodec(ILogger logger, string uniqueId, string leg, string detail);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Call {UniqueId}: the {Leg}'s dialog could not be made: {Reason}")]
    public static partial void NoDialog(ILogger logger, string uniqueId, string leg, string reason);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning, Message = "Call {UniqueId}: the caller never acknowledged the 200; ending the call")]
    public static partial void NoAck(ILogger logger, string uniqueId);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Information, Message = "Call {UniqueId}: a second 2xx from another fork, acknowledged and ended")]
    public static partial void ExtraFork(ILogger logger, string uniqueId);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Information, Message = "Call {UniqueId}: {What} not delivered ({Result})")]
    public static partial void SendFailed(ILogger logger, string uniqueId, string what, string result);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Call {UniqueId}: {Leg} {What} the call")]
    public static partial void Hold(ILogger logger, string uniqueId, string leg, string what);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Debug, Message = "Call {UniqueId}: re-INVITE to {Leg} offering a={Direction}")]
    public static partial void ReInviting(ILogger logger, string uniqueId, string leg, string direction);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "Call {UniqueId}: {Leg} answered our re-INVITE {Status}")]
    public static partial void ReInviteRefused(ILogger logger, string uniqueId, string leg, int status);

    [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "Call {UniqueId}: {Transferor} transfers {Transferee} to {Target}")]
    public static partial void Transferring(ILogger logger, string uniqueId, string transferor, string transferee, string target);

    [LoggerMessage(EventId = 3031, Level = LogLevel.Information, Message = "Call {UniqueId}: {Transferor} transfers {Transferee} to the call of dialog {Replaces}")]
    public static partial void TransferringAttended(ILogger logger, string uniqueId, string transferor, string transferee, string replaces);

    [LoggerMessage(EventId = 3032, Level = LogLevel.Information, Message = "Call {UniqueId}: transferred, {Transferee} now with {Target}")]
    public static partial void Transferred(ILogger logger, string uniqueId, string transferee, string target);

    [LoggerMessage(EventId = 3033, Level = LogLevel.Information, Message = "Call {UniqueId}: transfer to {Target} failed with {Status}; the call goes on")]
    public static partial void TransferFailed(ILogger logger, string uniqueId, string target, int status);

    [LoggerMessage(EventId = 3034, Level = LogLevel.Information, Message = "Call {UniqueId}: unreadable Replaces: {Reason}")]
    public static partial void BadReplaces(ILogger logger, string uniqueId, string reason);

    [LoggerMessage(EventId = 3035, Level = LogLevel.Information, Message = "Call {UniqueId}: {Picker} picks up call {Ringing}")]
    public static partial void PickingUp(ILogger logger, string uniqueId, string picker, string ringing);

    [LoggerMessage(EventId = 3036, Level = LogLevel.Information, Message = "Call {UniqueId}: {Caller} replaces dialog {Replaces}")]
    public static partial void Replacing(ILogger logger, string uniqueId, string caller, string replaces);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Information, Message = "Call {UniqueId}: forwarded from {From} to {To} ({Reason})")]
    public static partial void Forwarded(ILogger logger, string uniqueId, string from, string to, string reason);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning, Message = "Call {UniqueId}: forward from {From} to {To} refused: more than {Limit} forwards, the rules loop")]
    public static partial void ForwardLoop(ILogger logger, string uniqueId, string from, string to, int limit);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Information, Message = "Call {UniqueId}: {Extension} dialled feature code {Action}; features now {Features}")]
    public static partial void FeatureCode(ILogger logger, string uniqueId, string extension, string action, string features);

    [LoggerMessage(EventId = 3040, Level = LogLevel.Information, Message = "Call {UniqueId}: {Caller} waits in queue {Queue}")]
    public static partial void Queued(ILogger logger, string uniqueId, string caller, string queue);

    [LoggerMessage(EventId = 3041, Level = LogLevel.Information, Message = "Call {UniqueId}: agent at {Extension} answered")]
    public static partial void AgentAnswered(ILogger logger, string uniqueId, string extension);

    [LoggerMessage(EventId = 3042, Level = LogLevel.Information, Message = "Call {UniqueId}: agent at {Extension} did not take the call ({Status})")]
    public static partial void AgentMissed(ILogger logger, string uniqueId, string extension, int status);

    [LoggerMessage(EventId = 3043, Level = LogLevel.Information, Message = "Call {UniqueId}: connected to the agent at {Extension} from queue {Queue}")]
    public static partial void AgentConnected(ILogger logger, string uniqueId, string extension, string queue);

    [LoggerMessage(EventId = 3044, Level = LogLevel.Information, Message = "Call {UniqueId}: left queue {Queue} ({Reason})")]
    public static partial void QueueExit(ILogger logger, string uniqueId, string queue, string reason);

    [LoggerMessage(EventId = 3045, Level = LogLevel.Information, Message = "Call {UniqueId}: overflows from queue {Queue} to {Target}")]
    public static partial void QueueOverflow(ILogger logger, string uniqueId, string queue, string target);

    [LoggerMessage(EventId = 3046, Level = LogLevel.Debug, Message = "Call {UniqueId}: announcement {Kind} (position {Position}, wait {WaitSeconds} s, prompt {Prompt}) not played: no prompts yet")]
    public static partial void QueueAnnouncement(ILogger logger, string uniqueId, string kind, int? position, double? waitSeconds, string? prompt);

    [LoggerMessage(EventId = 3047, Level = LogLevel.Information, Message = "Call {UniqueId}: the server hangs up the queue caller ({Why})")]
    public static partial void QueueHangup(ILogger logger, string uniqueId, string why);

    [LoggerMessage(EventId = 3048, Level = LogLevel.Information, Message = "Call {UniqueId}: calls back {Extension} for queue caller {QueueCallId} of queue {Queue}")]
    public static partial void CallingBack(ILogger logger, string uniqueId, string extension, string queueCallId, string queue);

    [LoggerMessage(EventId = 3049, Level = LogLevel.Information, Message = "Call {UniqueId}: the callback to {Extension} failed ({Why})")]
    public static partial void CallbackFailed(ILogger logger, string uniqueId, string extension, string why);

    [LoggerMessage(EventId = 3080, Level = LogLevel.Information, Message = "Call {UniqueId}: {Caller} enters the IVR flow of {Number}")]
    public static partial void IvrEntered(ILogger logger, string uniqueId, string caller, string number);

    [LoggerMessage(EventId = 3081, Level = LogLevel.Information, Message = "Call {UniqueId}: leaves the IVR for {Destination}")]
    public static partial void IvrLeft(ILogger logger, string uniqueId, string destination);

    [LoggerMessage(EventId = 3099, Level = LogLevel.Error, Message = "Call {UniqueId}: a bug in the call layer; the call is ended")]
    public static partial void Fault(ILogger logger, string uniqueId, Exception exception);
}
