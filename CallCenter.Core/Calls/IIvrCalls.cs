using System.Collections.Immutable;
using CallCenter.Media.Playback;

namespace CallCenter.Core.Calls;

/// <summary>
/// What the call layer asks of the IVR. The IVR sits above the call layer (STYLE.md §2), so, as with the ACD's
/// <see cref="IQueueCallEvents"/>, the call layer names only this port and the IVR's adapter implements it.
/// <para>Threading: called on the asking call's context; an implementation returns at once.</para>
/// </summary>
public interface IIvrCalls
{
    /// <summary>True when an inbound route sends <paramref name="calledNumber"/> to a flow.</summary>
    bool HasRoute(string calledNumber);

    /// <summary>A session in the flow of <paramref name="calledNumber"/> for an answered call, not started yet; null
    /// when the route vanished in a reload meanwhile. The call keeps it, then starts it.</summary>
    IIvrCallEvents? Create(IIvrCallCommands call, string callerNumber, string calledNumber);
}

/// <summary>What happens on a call in an IVR flow, reported on the call's context.</summary>
public interface IIvrCallEvents : IDisposable
{
    /// <summary>Enters the flow; its first commands may come back before this returns.</summary>
    void Start();

    /// <summary>The playback started with <see cref="IIvrCallCommands.Play"/> under this id ended by itself.</summary>
    void PromptFinished(long playbackId);

    /// <summary>The caller pressed a key (RFC 4733, SIP INFO or in-band).</summary>
    void DigitReceived(char digit);

    /// <summary>The caller's leg ended while the flow ran.</summary>
    void CallerHungUp();
}

/// <summary>
/// What an IVR session may do to its call. Called on the call's context only (the session's own timer and data dip
/// come back through <see cref="Post"/> first). After any of the three endings (queue, extension, hang-up) the call
/// leaves the IVR and reports nothing more to the session.
/// </summary>
public interface IIvrCallCommands
{
    /// <summary>The call's unique id, as in the CDR and the logs.</summary>
    string CallId { get; }

    /// <summary>Any thread: runs <paramref name="work"/> on the call's context. False when that context is full or
    /// gone.</summary>
    bool Post(Action work);

    /// <summary>Plays <paramref name="source"/> to the caller instead of whatever played before.</summary>
    void PlayToCaller(long playbackId, IPlaybackSource source);

    /// <summary>Stops that playback if it still plays.</summary>
    void StopPlayback(long playbackId);

    /// <summary>The call becomes a queue call of <paramref name="queue"/>; <paramref name="join"/> hands it to the ACD
    /// (with what the flow learnt: priority, skills, or else the queue's defaults) and says whether the ACD took it.
    /// <paramref name="variables"/> stay with the call.</summary>
    void EnterQueue(string queue, ImmutableDictionary<string, string> variables, Func<IvrQueueEntry, bool> join);

    /// <summary>Rings <paramref name="extension"/>'s phones with the relay's B side; the first to answer is
    /// connected to the caller, whose leg stays as it is. <paramref name="variables"/> stay with the call.</summary>
    void TransferToExtension(string extension, ImmutableDictionary<string, string> variables);

    /// <summary>Hangs the caller up with BYE (once it acknowledged the server's 200).</summary>
    void HangUp(string why);
}
