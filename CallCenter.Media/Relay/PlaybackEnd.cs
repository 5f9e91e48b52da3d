namespace CallCenter.Media.Relay;

/// <summary>Why a <see cref="RelayPlayback"/> ended. Only <see cref="Finished"/> is reported to the observer: the
/// others are the owner's own doing (or a bug, logged).</summary>
public enum PlaybackEnd
{
    /// <summary>The source had nothing more to play (the last prompt of the sequence went out).</summary>
    Finished = 1,

    /// <summary>The owner stopped it.</summary>
    Stopped,

    /// <summary>A newer playback to the same leg took its place; the stream went on without a break.</summary>
    Replaced,

    /// <summary>The relay closed.</summary>
    Closed,

    /// <summary>The source threw; the leg hears the other leg again.</summary>
    Faulted,
}
