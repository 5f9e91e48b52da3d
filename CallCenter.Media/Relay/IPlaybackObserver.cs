namespace CallCenter.Media.Relay;

/// <summary>
/// Told when a playback finished by itself (its prompts are all out), so that the IVR can move on. Runs on the
/// relay manager's pacing thread, which serves every playing stream: post a message to the call's mailbox and
/// return, as for <see cref="IMediaRelayObserver"/>. Starting the next playback from here is fine (it does not wait).
/// An exception is caught and logged.
/// </summary>
public interface IPlaybackObserver
{
    void OnPlaybackFinished(RelayPlayback playback);
}
