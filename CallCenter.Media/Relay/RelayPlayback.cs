using CallCenter.Media.Playback;

namespace CallCenter.Media.Relay;

/// <summary>
/// One playback started with <see cref="MediaRelay.Play"/>: a source playing toward one leg until it finishes, is
/// stopped, is replaced by the next <see cref="MediaRelay.Play"/> on that leg, or the relay closes. The owner keeps
/// it to stop exactly this playback (a stale stop then cannot cut a newer one) and to match the finish report.
/// Its end is decided under the relay's gate for that stream, so <see cref="End"/> is read without a lock.
/// </summary>
public sealed class RelayPlayback
{
    private static long s_nextId;
    private int _end;
    private long _framesSent;

    internal RelayPlayback(MediaRelay relay, MediaLegSide side, IPlaybackSource source, IPlaybackObserver? observer)
    {
        Relay = relay;
        Side = side;
        Source = source;
        Observer = observer;
        Id = Interlocked.Increment(ref s_nextId);
    }

    public long Id { get; }

    public MediaRelay Relay { get; }

    /// <summary>The leg that hears it.</summary>
    public MediaLegSide Side { get; }

    /// <summary>Null while it plays.</summary>
    public PlaybackEnd? End => Volatile.Read(ref _end) is var end && end == 0 ? null : (PlaybackEnd)end;

    public bool HasEnded => Volatile.Read(ref _end) != 0;

    /// <summary>Frames sent to the leg's phone (none while the leg has no destination).</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    internal IPlaybackSource Source { get; }

    internal IPlaybackObserver? Observer { get; }

    /// <summary>False if it had already ended. Called under the stream's gate.</summary>
    internal bool TryEnd(PlaybackEnd end) => Interlocked.CompareExchange(ref _end, (int)end, 0) == 0;

    internal void CountFrame() => Interlocked.Increment(ref _framesSent);
}
