namespace CallCenter.Media.Relay;

/// <summary>What one tick did with one playback.</summary>
internal enum PlayOutcome
{
    Playing,
    Finished,
    Ended,
}
