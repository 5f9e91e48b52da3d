using CallCenter.Media.Codecs;

namespace CallCenter.Media.Playback;

/// <summary>
/// Faint white noise with no end, for a caller who should hear that the line is alive when there is nothing to play
/// (a music-on-hold class that failed to load). A <see cref="PromptPlayer"/> with nothing queued makes exactly that;
/// this source just never finishes. The owner stops it.
/// </summary>
public sealed class ComfortNoiseSource : IPlaybackSource
{
    /// <summary>Audible on a quiet line, well below speech (RFC 3389 noise levels run to about -70 dBov).</summary>
    public const double DefaultLevelDbm0 = -60;

    private readonly PromptPlayer _player;
    private readonly short[] _linear = new short[PromptPlayer.FrameSamples];

    public ComfortNoiseSource(double levelDbm0 = DefaultLevelDbm0)
    {
        _player = new PromptPlayer(1, levelDbm0);
    }

    public bool TryRead(long tick, AudioCodec codec, Span<byte> payload)
    {
        _player.Fill(_linear);
        G711.Encode(codec, _linear, payload);
        return true;
    }
}
