using CallCenter.Media.Codecs;
using CallCenter.Media.Tones;

namespace CallCenter.Media.Playback;

/// <summary>A tone (ringback, busy, a beep) played to a leg, for <paramref name="duration"/> rounded up to whole
/// frames, or until stopped when no duration is given.</summary>
public sealed class ToneSource(ToneSpec tone, TimeSpan? duration = null) : IPlaybackSource
{
    private readonly ToneGenerator _generator = new(tone);
    private readonly short[] _linear = new short[PromptPlayer.FrameSamples];
    private long _framesLeft = duration is { } d
        ? (long)Math.Ceiling(d.TotalMilliseconds / 20)
        : long.MaxValue;

    public bool TryRead(long tick, AudioCodec codec, Span<byte> payload)
    {
        if (_framesLeft <= 0)
        {
            return false;
        }

        _framesLeft--;
        _generator.Fill(_linear);
        G711.Encode(codec, _linear, payload);
        return true;
    }
}
