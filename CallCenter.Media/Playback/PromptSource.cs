using CallCenter.Media.Codecs;

namespace CallCenter.Media.Playback;

/// <summary>
/// A sequence of prompts played to a leg through a <see cref="PromptPlayer"/>: back to back, the last frame padded
/// with silence (or the player's comfort noise), and finished once the queue is empty, which the relay reports as
/// the end of the playback. The player must be filled before the source is played; after that it belongs to the
/// pacing loop (to change what plays, play a new source: the stream continues without a break).
/// </summary>
public sealed class PromptSource : IPlaybackSource
{
    private readonly PromptPlayer _player;
    private readonly short[] _linear = new short[PromptPlayer.FrameSamples];

    public PromptSource(PromptPlayer player)
    {
        ArgumentNullException.ThrowIfNull(player);
        _player = player;
    }

    /// <summary>A source for these prompts (8 kHz linear, as loaded once and shared by every caller).</summary>
    public static PromptSource Of(params ReadOnlyMemory<short>[] prompts)
    {
        var player = new PromptPlayer(Math.Max(1, prompts.Length));
        foreach (var prompt in prompts)
        {
            player.Enqueue(prompt);
        }

        return new PromptSource(player);
    }

    public bool TryRead(long tick, AudioCodec codec, Span<byte> payload)
    {
        if (!_player.IsPlaying)
        {
            return false;
        }

        _player.Fill(_linear);
        G711.Encode(codec, _linear, payload);
        return true;
    }
}
