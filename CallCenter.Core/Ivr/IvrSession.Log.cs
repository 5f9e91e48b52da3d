using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Ivr;

/// <summary>The session's log messages; event ids 1400-1419 belong to the IVR.</summary>
public sealed partial class IvrSession
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "IVR {CallId}: started in flow {Flow} (called {Called})")]
    private static partial void LogStarted(ILogger logger, string callId, string flow, string called);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "IVR {CallId}: {Flow}/{Node}")]
    private static partial void LogNode(ILogger logger, string callId, string flow, string node);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning,
        Message = "IVR {CallId}: stopped as a runaway at {Flow}/{Node} after {MaxSteps} nodes without a key; the call is hung up. Check the flow for a loop without a menu")]
    private static partial void LogRunaway(ILogger logger, string callId, string flow, string node, int maxSteps);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "IVR {CallId}: ended ({Outcome}) at {Flow}/{Node}")]
    private static partial void LogEnded(ILogger logger, string callId, IvrSessionOutcome outcome, string flow, string? node);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "IVR {CallId}: key {Digit} ignored during the uninterruptible prompt of {Node}")]
    private static partial void LogDigitIgnored(ILogger logger, string callId, char digit, string? node);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Debug, Message = "IVR {CallId}: invalid input '{Input}' at {Node}")]
    private static partial void LogInvalidInput(ILogger logger, string callId, string node, string input);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Debug, Message = "IVR {CallId}: no input at {Node} in time")]
    private static partial void LogTimeout(ILogger logger, string callId, string node);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Debug, Message = "IVR {CallId}: {Node} failed {Attempts} times; going to {Fallback}")]
    private static partial void LogFallback(ILogger logger, string callId, string node, int attempts, string fallback);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Debug, Message = "IVR {CallId}: time condition {Node} is {Branch}")]
    private static partial void LogTimeBranch(ILogger logger, string callId, string node, IvrTimeBranch branch);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Debug, Message = "IVR {CallId}: priority unchanged at {Node} ({Priority}): variable {Variable} holds no number")]
    private static partial void LogPriorityKept(ILogger logger, string callId, string node, string? variable, string priority);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Debug, Message = "IVR {CallId}: data dip {Node} answered; {Found} of {Mapped} fields present")]
    private static partial void LogDipSucceeded(ILogger logger, string callId, string node, int found, int mapped);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Information, Message = "IVR {CallId}: data dip {Node} failed ({Reason}); taking its failed branch")]
    private static partial void LogDipFailed(ILogger logger, string callId, string node, string reason);

    [LoggerMessage(EventId = 1412, Level = LogLevel.Information, Message = "IVR {CallId}: data dip {Node} gave no answer within {TimeoutMs} ms; taking its timedOut branch")]
    private static partial void LogDipTimedOut(ILogger logger, string callId, string node, double timeoutMs);

    [LoggerMessage(EventId = 1413, Level = LogLevel.Warning, Message = "IVR {CallId}: {What} {Name} does not exist (options not validated?); the call is hung up")]
    private static partial void LogMissing(ILogger logger, string callId, string what, string name);
}
