using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage.Cdr;

public sealed partial class CdrWriter
{
    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning,
        Message = "Saving {Count} call records to the database failed; retrying every few seconds, calls are unaffected")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Information, Message = "Call records are being saved to the database again")]
    private static partial void LogWriteRecovered(ILogger logger);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning,
        Message = "The call record queue is full ({Capacity} waiting): reports are being dropped until the database catches up")]
    private static partial void LogQueueFull(ILogger logger, int capacity);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "The call record queue has room again; {Dropped} reports were dropped")]
    private static partial void LogDropsEnded(ILogger logger, long dropped);
}
