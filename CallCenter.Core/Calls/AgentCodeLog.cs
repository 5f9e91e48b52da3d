using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

/// <summary>The agent feature codes' log lines, event ids 3070–3079 of the call layer's range.</summary>
internal static partial class AgentCodeLog
{
    [LoggerMessage(EventId = 3070, Level = LogLevel.Information, Message = "Call {UniqueId}: {Extension} dialled agent code {Action}: agent {Agent} {Result}, now {State}")]
    public static partial void Carried(ILogger logger, string uniqueId, string extension, string action, string agent, string result, string state);

    [LoggerMessage(EventId = 3071, Level = LogLevel.Warning, Message = "Agent code {Code} from {Extension} refused with 503: no ACD is running (no queues.xml, or the ACD did not start); said once, later codes are refused alike")]
    public static partial void NoAcd(ILogger logger, string code, string extension);

    // Warning, but through AgentPinFailures: a phone keying in PIN after PIN would otherwise write a line a try.
    [LoggerMessage(EventId = 3072, Level = LogLevel.Warning, Message = "Agent login on {Extension} refused: wrong PIN or agent number ({Count} in a row from this phone; logged at the 1st, 10th, 100th...)")]
    public static partial void WrongPin(ILogger logger, string extension, long count);

    [LoggerMessage(EventId = 3073, Level = LogLevel.Warning, Message = "Call {UniqueId}: agent code {Action} got no answer from the ACD ({Why}); refused with {Status}")]
    public static partial void NoAcdAnswer(ILogger logger, string uniqueId, string action, string why, int status);

    [LoggerMessage(EventId = 3074, Level = LogLevel.Warning, Message = "Agent login on {Extension} locked for {Minutes} minutes after {Count} wrong PINs in a row; tries meanwhile are refused unchecked")]
    public static partial void LockedOut(ILogger logger, string extension, long count, double minutes);
}
