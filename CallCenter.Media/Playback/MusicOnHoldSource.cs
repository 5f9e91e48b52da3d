using CallCenter.Media.Codecs;

namespace CallCenter.Media.Playback;

/// <summary>
/// One listener of a <see cref="MusicOnHoldClass"/>: it copies the class's shared, already encoded frame of the
/// tick, so a class costs one advance per tick however many callers listen (the first listener read in a tick moves
/// it on). Never finishes; the owner stops it.
/// </summary>
public sealed class MusicOnHoldSource(MusicOnHoldClass musicClass) : IPlaybackSource
{
    public MusicOnHoldClass Class { get; } = musicClass ?? throw new ArgumentNullException(nameof(musicClass));

    public bool TryRead(long tick, AudioCodec codec, Span<byte> payload)
    {
        Class.FrameAt(tick, codec).CopyTo(payload);
        return true;
    }
}
