using CallCenter.Core.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

// Sources are passed as SipFlow so that a Debug line disabled in production costs no string.
// Rejections and refreshes come with every packet a phone or a scanner sends, so they stay at Debug; a contact
// appearing, going or being evicted is a change an admin wants to see, once.
public sealed partial class SipRegistrar
{
    [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Extension {Extension} registered {Contact} from {Source} for {Seconds} s")]
    private static partial void LogAdded(ILogger logger, string extension, string contact, string source, long seconds);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Debug, Message = "Extension {Extension} refreshed {Contact} from {Source}")]
    private static partial void LogRefreshed(ILogger logger, string extension, string contact, SipFlow source);

    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "Extension {Extension} unregistered {Contact} from {Source}")]
    private static partial void LogRemoved(ILogger logger, string extension, string contact, string source);

    [LoggerMessage(EventId = 2503, Level = LogLevel.Information,
        Message = "Extension {Extension} reached its maxContacts: removed {Contact} ({Target}), the binding closest to expiry, to make room for a new one")]
    private static partial void LogEvicted(ILogger logger, string extension, string contact, string target);

    [LoggerMessage(EventId = 2504, Level = LogLevel.Debug, Message = "REGISTER for {AddressOfRecord} from {Source}: no such user (404)")]
    private static partial void LogUnknownUser(ILogger logger, string addressOfRecord, SipFlow source);

    [LoggerMessage(EventId = 2505, Level = LogLevel.Debug, Message = "REGISTER from {Source}: {User} may not register extension {Extension} (403)")]
    private static partial void LogForbidden(ILogger logger, string user, string extension, SipFlow source);

    [LoggerMessage(EventId = 2506, Level = LogLevel.Debug, Message = "REGISTER of {Extension} from {Source}: expiry below minExpires (423)")]
    private static partial void LogIntervalTooBrief(ILogger logger, string extension, SipFlow source);

    [LoggerMessage(EventId = 2507, Level = LogLevel.Debug,
        Message = "REGISTER of {Extension} from {Source}: Call-ID {CallId} CSeq {CSeq} is not newer than the stored binding (500, nothing applied)")]
    private static partial void LogOutOfOrder(ILogger logger, string extension, string callId, uint cseq, SipFlow source);

    [LoggerMessage(EventId = 2508, Level = LogLevel.Debug, Message = "REGISTER of {Extension} from {Source} refused with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string extension, int status, string reason, SipFlow source);

    [LoggerMessage(EventId = 2509, Level = LogLevel.Warning,
        Message = "REGISTER of {Extension} could not be committed: its bindings kept changing underneath (500)")]
    private static partial void LogCommitContended(ILogger logger, string extension);
}
