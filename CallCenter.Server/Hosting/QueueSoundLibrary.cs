using System.Collections.Concurrent;
using CallCenter.Core.Calls;
using CallCenter.Core.Ivr;
using CallCenter.Media.Playback;
using Microsoft.Extensions.Logging;

namespace CallCenter.Server.Hosting;

/// <summary>
/// The queue calls' sounds (<see cref="IQueueSounds"/>): the announcements' prompts from the IVR's library
/// (config/sounds/&lt;language&gt;), and the music-on-hold classes from config/moh/&lt;class&gt;/*.wav, each decoded
/// once, the first time a caller waits in a queue of that class, and shared from then on (a class that cannot be
/// loaded is remembered as such, so a missing folder costs one look at the disk, not one per caller). A class's
/// files are read when it is first used: a new file in a class that is already loaded is heard after a restart.
/// <para>Threading: any thread (calls' contexts).</para>
/// </summary>
public sealed partial class QueueSoundLibrary(IvrPromptLibrary prompts, string musicFolder, ILogger<QueueSoundLibrary> logger) : IQueueSounds
{
    /// <summary>The folder of config/ that holds one subfolder per music-on-hold class.</summary>
    public const string MusicFolder = Configuration.ConfigurationLoader.MusicFolder;

    private readonly ConcurrentDictionary<string, Lazy<MusicOnHoldClass?>> _classes = new(StringComparer.Ordinal);

    // The shipped prompts are English; an IVR flow picks its own language, and its callers keep it in the queue.
    public string DefaultLanguage => "en";

    public ReadOnlyMemory<short> Prompt(string language, string name) => prompts.Get(language, name);

    public MusicOnHoldClass? MusicOnHold(string name) =>
        _classes.GetOrAdd(name, n => new Lazy<MusicOnHoldClass?>(() => Load(n))).Value;

    private MusicOnHoldClass? Load(string name)
    {
        // The name comes from a validated queues.xml, but it ends up in a path: nothing may leave the folder.
        if (name.IndexOfAny(['/', '\\']) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            LogSkipped(logger, name, "not a plain folder name");
            return null;
        }

        MusicOnHoldClass.TryLoad(name, Path.Combine(musicFolder, name), out var musicClass, out var skipped);
        foreach (var problem in skipped)
        {
            LogSkipped(logger, name, problem);
        }

        return musicClass;
    }

    [LoggerMessage(EventId = 94, Level = LogLevel.Warning, Message = "Music-on-hold class {Class}: {Problem}")]
    private static partial void LogSkipped(ILogger logger, string @class, string problem);
}
