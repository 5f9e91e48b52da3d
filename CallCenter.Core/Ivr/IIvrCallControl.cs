using System.Collections.Immutable;

namespace CallCenter.Core.Ivr;

/// <summary>
/// The port through which an <see cref="IvrSession"/> drives its call; the call layer implements it (STYLE.md §3: the
/// IVR issues commands and never touches SIP or RTP). Every method is called on the call's serial context and must
/// return at once. Outcomes come back as calls on the session, on the same context: <see cref="IvrSession.PromptFinished"/>
/// when a playback ends by itself, <see cref="IvrSession.DigitReceived"/> for every key (RFC 4733 or in-band alike),
/// <see cref="IvrSession.CallerHungUp"/> when the caller leaves.
/// </summary>
public interface IIvrCallControl
{
    /// <summary>
    /// Play <paramref name="prompts"/> back to back (sounds/<paramref name="language"/>/&lt;name&gt;.wav), replacing
    /// anything still playing, and report <see cref="IvrSession.PromptFinished"/> with <paramref name="playbackId"/>
    /// when the last one ended. When <paramref name="interruptible"/>, the media side may cut the prompt itself as soon
    /// as it detects a key (it saves a packetization interval); it must report the key either way.
    /// </summary>
    void Play(string callId, long playbackId, ImmutableArray<string> prompts, string language, bool interruptible);

    /// <summary>Stop that playback now (a key interrupted it). Idempotent; no finish report is needed after it.</summary>
    void StopPlayback(string callId, long playbackId);

    /// <summary>The flow ended in a queue: hand the call to the ACD (see <see cref="IvrQueueTransfer.ToCallerRequest"/>).</summary>
    void TransferToQueue(string callId, IvrQueueTransfer transfer);

    /// <summary>The flow ended in a transfer to an extension of extensions.xml.</summary>
    void TransferToExtension(string callId, string extension, ImmutableDictionary<string, string> variables);

    /// <summary>The flow ended the call (a hangup node, or the runaway guard).</summary>
    void HangUp(string callId, IvrHangupReason reason);
}
