using CallCenter.Media.Codecs;

namespace CallCenter.Media.Playback;

/// <summary>
/// Audio the relay plays toward one leg: one 20 ms frame per pacing tick, already encoded for the leg's codec. The
/// pacing loop owns a source from the moment it is given to <see cref="Relay.MediaRelay.Play"/>: it calls
/// <see cref="TryRead"/> on its own thread, once per tick, so a source needs no locks; nobody else may touch it.
/// </summary>
public interface IPlaybackSource
{
    /// <summary>Writes the frame for pacing tick <paramref name="tick"/> (ticks increase by one per 20 ms, or
    /// more after ticks were skipped) into <paramref name="payload"/>, which is exactly one frame long. False when
    /// the source has finished: then nothing was written and the relay ends the playback.</summary>
    bool TryRead(long tick, AudioCodec codec, Span<byte> payload);
}
