using System.Net;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Auth;

public sealed partial class DigestAuthenticator
{
    [LoggerMessage(EventId = 2310, Level = LogLevel.Debug, Message = "Malformed credentials from {Source}: {Error}")]
    private partial void LogMalformed(IPAddress source, DigestParseError error);

    // Warning, because only the admin can fix it; a scanner can trigger it at most MaxFailures times per ban.
    [LoggerMessage(EventId = 2311, Level = LogLevel.Warning, Message = "User {User} answered with {Algorithm}, but no {Algorithm} HA1 and no password is configured for it")]
    private partial void LogAlgorithmNotConfigured(string user, string algorithm);

    [LoggerMessage(EventId = 2312, Level = LogLevel.Debug, Message = "Correct digest from {User} at {Source} but its nonce is {Validity} (Valid: the nc was replayed), challenging with stale=true")]
    private partial void LogStale(string user, IPAddress source, NonceValidity validity);
}
