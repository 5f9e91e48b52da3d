using System.Net;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Auth;

// Event ids 2300-2319 belong to Sip.Auth; they are stable so that log filters and alerts can rely on them.
public sealed partial class AuthFailureTracker
{
    // Debug only: a scan produces thousands of these, the ban below is the line an operator needs.
    [LoggerMessage(EventId = 2300, Level = LogLevel.Debug, Message = "Authentication failure from {Source} ({Reason}), {Count} counted")]
    private partial void LogFailure(IPNetwork source, DigestFailure reason, int count);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Banned {Source} after {Failures} authentication failures within {FindWindow}, until {Until}")]
    private partial void LogBanned(IPNetwork source, int failures, TimeSpan findWindow, DateTimeOffset until);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Ban on {Source} lifted by hand")]
    private partial void LogUnbanned(IPNetwork source);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "Authentication failure from trusted {Source} ({Reason}), not counted")]
    private partial void LogTrustedFailure(IPNetwork source, DigestFailure reason);
}
