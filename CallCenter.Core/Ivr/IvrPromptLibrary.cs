using System.Collections.Concurrent;
using CallCenter.Media.Wav;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Ivr;

/// <summary>
/// The prompts of config/sounds, decoded once per server to 8 kHz linear and shared by every call (a prompt is a
/// few hundred kilobytes at most; a thousand callers hearing "welcome" share one copy). A file is read the first
/// time a flow plays it, on that call's context; a file that cannot be read is remembered as silence (empty) and
/// logged once, so a missing prompt neither stops the flow nor costs a disk read per call.
/// <para>Threading: any thread.</para>
/// </summary>
public sealed partial class IvrPromptLibrary
{
    private readonly string _folder;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string Language, string Name), ReadOnlyMemory<short>> _prompts = new();

    /// <param name="folder">The sounds folder: one subfolder per language, &lt;name&gt;.wav in it.</param>
    public IvrPromptLibrary(string folder, ILogger<IvrPromptLibrary> logger)
    {
        _folder = folder;
        _logger = logger;
    }

    public ReadOnlyMemory<short> Get(string language, string name) =>
        _prompts.GetOrAdd((language, name), static (key, self) => self.Load(key.Language, key.Name), this);

    private ReadOnlyMemory<short> Load(string language, string name)
    {
        // Names and languages come from a validated ivr.xml, but they end up in a path: nothing may leave the folder.
        if (name.IndexOfAny(['/', '\\']) >= 0 || language.IndexOfAny(['/', '\\']) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            LogUnreadable(_logger, language, name, "not a plain file name");
            return ReadOnlyMemory<short>.Empty;
        }

        var path = Path.Combine(_folder, language, name + ".wav");
        if (!WavFile.TryLoad(path, out var audio, out _, out var reason))
        {
            LogUnreadable(_logger, language, name, reason);
            return ReadOnlyMemory<short>.Empty;
        }

        if (!audio!.TryGetNarrowband(out var samples))
        {
            LogUnreadable(_logger, language, name, "stereo");
            return ReadOnlyMemory<short>.Empty;
        }

        return samples;
    }

    [LoggerMessage(EventId = 1430, Level = LogLevel.Warning, Message = "IVR prompt {Language}/{Name} cannot be played ({Reason}); it is silent until the server restarts")]
    private static partial void LogUnreadable(ILogger logger, string language, string name, string reason);
}
