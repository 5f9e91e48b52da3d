namespace CallCenter.Core.Configuration;

/// <summary>
/// The configuration currently in force. Server implements it over the XML files and their watcher; Core
/// components read <see cref="Current"/> when they need a value and subscribe to <see cref="Changed"/> to
/// re-apply what they hold (listeners, timers). A rejected edit raises nothing: the last good snapshot stays.
/// </summary>
public interface ILiveConfiguration
{
    CallCenterOptions Current { get; }

    /// <summary>Raised on the watcher's thread after <see cref="Current"/> was replaced; handlers must not block.</summary>
    event Action<CallCenterOptions>? Changed;
}
