using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

public sealed partial class RegistrationStore
{
    [LoggerMessage(EventId = 2520, Level = LogLevel.Information, Message = "Registration of {Extension} at {Contact} ({Target}) expired")]
    private static partial void LogExpired(ILogger logger, string extension, string contact, string target);

    [LoggerMessage(EventId = 2521, Level = LogLevel.Information,
        Message = "Restored {Count} registrations from the database; deleted {Deleted} that expired while the server was down or could not be read")]
    private static partial void LogRestored(ILogger logger, int count, int deleted);

    [LoggerMessage(EventId = 2522, Level = LogLevel.Warning,
        Message = "A registration change feed is full and drops its oldest changes; its consumer is too slow (logged once)")]
    private static partial void LogFeedOverflow(ILogger logger);

    [LoggerMessage(EventId = 2546, Level = LogLevel.Information, Message = "{Count} registrations marked unreachable: their connection {Flow} closed")]
    private static partial void LogFlowClosed(ILogger logger, int count, string flow);

    [LoggerMessage(EventId = 2547, Level = LogLevel.Information, Message = "{Count} registrations removed: their users were deleted from extensions.xml")]
    private static partial void LogUsersDeleted(ILogger logger, int count);
}
