using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Calls;

// What waiting queue callers hear (Call.QueueMedia.cs): events 3090-3095.
internal static partial class CallLog
{
    [LoggerMessage(EventId = 3090, Level = LogLevel.Debug, Message = "Call {UniqueId}: hears music on hold {Class} of queue {Queue}")]
    public static partial void QueueMusic(ILogger logger, string uniqueId, string @class, string queue);

    [LoggerMessage(EventId = 3091, Level = LogLevel.Warning, Message = "Music-on-hold class {Class} (queue {Queue}) has no playable file; its callers hear comfort noise (logged once)")]
    public static partial void MusicOnHoldMissing(ILogger logger, string @class, string queue);

    [LoggerMessage(EventId = 3092, Level = LogLevel.Warning, Message = "Queue prompt {Language}/{Name} cannot be played; announcements leave it out (logged once)")]
    public static partial void QueuePromptMissing(ILogger logger, string language, string name);

    [LoggerMessage(EventId = 3093, Level = LogLevel.Debug, Message = "Call {UniqueId}: announcement {Kind} plays {Prompts}")]
    public static partial void QueueAnnouncementPlays(ILogger logger, string uniqueId, string kind, string prompts);

    [LoggerMessage(EventId = 3094, Level = LogLevel.Debug, Message = "Call {UniqueId}: the callback confirmation was played")]
    public static partial void CallbackConfirmed(ILogger logger, string uniqueId);
}
