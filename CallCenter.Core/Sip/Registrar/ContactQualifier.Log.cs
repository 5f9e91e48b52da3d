using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

// Logged on a change of state only, never per probe.
public sealed partial class ContactQualifier
{
    [LoggerMessage(EventId = 2540, Level = LogLevel.Warning,
        Message = "Extension {Extension} contact {Contact} ({Target}) stopped answering OPTIONS ({Failure}); kept, but calls try it last")]
    private static partial void LogUnreachable(ILogger logger, string extension, string contact, string target, string failure);

    [LoggerMessage(EventId = 2541, Level = LogLevel.Information, Message = "Extension {Extension} contact {Contact} ({Target}) answers OPTIONS again")]
    private static partial void LogReachableAgain(ILogger logger, string extension, string contact, string target);

    [LoggerMessage(EventId = 2542, Level = LogLevel.Debug, Message = "Extension {Extension} contact {Contact} ({Target}) is reachable ({Status})")]
    private static partial void LogReachable(ILogger logger, string extension, string contact, string target, int status);

    [LoggerMessage(EventId = 2543, Level = LogLevel.Information, Message = "Qualifying registered contacts every {Seconds} s")]
    private static partial void LogQualifyInterval(ILogger logger, long seconds);

    [LoggerMessage(EventId = 2544, Level = LogLevel.Information, Message = "Qualifying registered contacts is off (qualifyInterval is 0)")]
    private static partial void LogQualifyOff(ILogger logger);

    [LoggerMessage(EventId = 2545, Level = LogLevel.Error, Message = "Probing extension {Extension} contact {Contact} failed; the other contacts are still probed")]
    private static partial void LogProbeFailed(ILogger logger, string extension, string contact, Exception exception);
}
