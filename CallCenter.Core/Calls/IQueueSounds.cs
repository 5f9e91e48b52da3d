using CallCenter.Media.Playback;

namespace CallCenter.Core.Calls;

/// <summary>
/// Where a queue call finds what its waiting caller hears: the music-on-hold classes and the spoken prompts of the
/// announcements. The prompts are the IVR's (config/sounds), and the IVR sits above the call layer (STYLE.md §2), so
/// the call layer names only this port and the host attaches an implementation over the IVR's prompt library.
/// <para>Threading: called on calls' contexts, many at once; an implementation is safe from any thread, and a load
/// from disk happens at most once per name (later calls share the decoded audio).</para>
/// </summary>
public interface IQueueSounds
{
    /// <summary>The prompt language of a caller who did not come through an IVR flow (a folder of config/sounds).</summary>
    string DefaultLanguage { get; }

    /// <summary>The prompt <paramref name="name"/> in <paramref name="language"/>, 8 kHz linear; empty when it cannot
    /// be played (missing or unreadable), which the caller of this port treats as silence.</summary>
    ReadOnlyMemory<short> Prompt(string language, string name);

    /// <summary>The music-on-hold class <paramref name="name"/>, shared by every caller who hears it; null when the
    /// class has no playable file.</summary>
    MusicOnHoldClass? MusicOnHold(string name);
}
