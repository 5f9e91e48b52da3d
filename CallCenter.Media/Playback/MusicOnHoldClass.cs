using CallCenter.Media.Codecs;
using CallCenter.Media.Wav;

namespace CallCenter.Media.Playback;

/// <summary>
/// One music-on-hold class: every playable WAV file of its folder (in name order), decoded once at load into one
/// 8 kHz loop, and encoded once more into µ-law and A-law. Each 20 ms tick of the relays' pacing loop moves it on
/// once (the first <see cref="FrameAt"/> of a tick does, see <see cref="MusicOnHoldSource"/>); callers on hold all
/// read the same frame, so a thousand listeners cost one advance and no encode (they hear the same point of the
/// music, as on any PBX's shared class). The audio is immutable after load and the position is read atomically, so
/// reads are safe from any thread.
/// </summary>
public sealed class MusicOnHoldClass
{
    public const int FrameSamples = 160;

    private readonly short[] _linear;
    private readonly byte[] _muLaw;
    private readonly byte[] _aLaw;
    private readonly int _frames;
    private long _frame;
    private long _tick = long.MinValue;
    private long _advances;

    private MusicOnHoldClass(string name, short[] linear, IReadOnlyList<string> files)
    {
        Name = name;
        _linear = linear;
        _frames = linear.Length / FrameSamples;
        _muLaw = new byte[linear.Length];
        _aLaw = new byte[linear.Length];
        G711.EncodeMuLaw(linear, _muLaw);
        G711.EncodeALaw(linear, _aLaw);
        Files = files;
    }

    public string Name { get; }

    /// <summary>The files that made it into the loop, in play order.</summary>
    public IReadOnlyList<string> Files { get; }

    public TimeSpan Length => TimeSpan.FromSeconds((double)_linear.Length / 8000);

    /// <summary>Loads a class from a folder. Files that cannot be played are skipped and listed in
    /// <paramref name="skipped"/> with the reader's reason; a class with nothing playable is refused.</summary>
    public static bool TryLoad(string name, string folder, out MusicOnHoldClass? musicClass, out IReadOnlyList<string> skipped)
    {
        var problems = new List<string>();
        skipped = problems;
        musicClass = null;
        string[] paths;
        try
        {
            paths = Directory.GetFiles(folder, "*.wav").Order(StringComparer.Ordinal).ToArray();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            problems.Add($"{folder}: {exception.Message}");
            return false;
        }

        var tracks = new List<short[]>();
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (!WavFile.TryLoad(path, out var audio, out _, out var reason))
            {
                problems.Add($"{Path.GetFileName(path)}: {reason}");
            }
            else if (!audio!.TryGetNarrowband(out var samples))
            {
                problems.Add($"{Path.GetFileName(path)}: stereo; music on hold must be mono.");
            }
            else if (samples.Length > 0)
            {
                tracks.Add(samples);
                files.Add(Path.GetFileName(path));
            }
        }

        if (tracks.Count == 0)
        {
            problems.Add($"{folder}: no playable WAV file.");
            return false;
        }

        musicClass = FromTracks(name, tracks, files);
        return true;
    }

    /// <summary>A class from audio already decoded (8 kHz), each track padded with silence to whole frames.</summary>
    public static MusicOnHoldClass FromTracks(string name, IReadOnlyList<short[]> tracks, IReadOnlyList<string>? files = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(tracks.Count);
        var total = tracks.Sum(t => (t.Length + FrameSamples - 1) / FrameSamples * FrameSamples);
        var linear = new short[Math.Max(total, FrameSamples)];
        var at = 0;
        foreach (var track in tracks)
        {
            track.CopyTo(linear, at);
            at += (track.Length + FrameSamples - 1) / FrameSamples * FrameSamples;
        }

        return new MusicOnHoldClass(name, linear, files ?? tracks.Select((_, i) => $"track {i + 1}").ToArray());
    }

    /// <summary>Moves every listener on by one frame; the pacing loop calls it once per 20 ms tick.</summary>
    public void Advance()
    {
        Interlocked.Increment(ref _frame);
        Interlocked.Increment(ref _advances);
    }

    /// <summary>How many times the class moved on a frame: once per pacing tick with listeners, however many.</summary>
    public long Advances => Interlocked.Read(ref _advances);

    /// <summary>
    /// The frame of pacing tick <paramref name="tick"/> for a G.711 leg. The first listener asking for a new tick
    /// moves the class on (once, whatever the number of listeners); the others get the same frame. Ticks come from
    /// the one pacing loop in increasing order, so a tick older than the last one just reads the current frame.
    /// </summary>
    public ReadOnlySpan<byte> FrameAt(long tick, AudioCodec codec)
    {
        var last = Interlocked.Read(ref _tick);
        if (tick > last && Interlocked.CompareExchange(ref _tick, tick, last) == last)
        {
            Interlocked.Increment(ref _frame);
            Interlocked.Increment(ref _advances);
        }

        return CurrentFrame(codec);
    }

    public ReadOnlySpan<short> CurrentLinearFrame => _linear.AsSpan(Offset(), FrameSamples);

    /// <summary>The current frame already encoded for a G.711 leg: copy it into the packet.</summary>
    public ReadOnlySpan<byte> CurrentFrame(AudioCodec codec) =>
        (codec == AudioCodec.Pcmu ? _muLaw : _aLaw).AsSpan(Offset(), FrameSamples);

    private int Offset() => (int)(Interlocked.Read(ref _frame) % _frames) * FrameSamples;
}
