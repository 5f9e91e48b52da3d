using System.Collections.Immutable;
using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Media.Playback;

namespace CallCenter.Core.Ivr;

/// <summary>
/// One session's link with its call, both ways: the session's commands (<see cref="IIvrCallControl"/>) become the
/// call's (prompt names become decoded audio from the shared library), and the call's events
/// (<see cref="IIvrCallEvents"/>) reach the session. Call context only, like both of them.
/// </summary>
internal sealed class IvrCallPort(IIvrCallCommands call, IvrPromptLibrary prompts, Func<CallerRequest, bool> joinQueue)
    : IIvrCallControl, IIvrCallEvents
{
    private IvrSession? _session;

    public void Attach(IvrSession session) => _session = session;

    public void Play(string callId, long playbackId, ImmutableArray<string> names, string language, bool interruptible)
    {
        // Interrupting is the session's to do (a key stops the playback through StopPlayback): the relay's detector
        // reports the key, and the call passes it on at once.
        var audio = new ReadOnlyMemory<short>[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            audio[i] = prompts.Get(language, names[i]);
        }

        call.PlayToCaller(playbackId, PromptSource.Of(audio));
    }

    public void StopPlayback(string callId, long playbackId) => call.StopPlayback(playbackId);

    public void TransferToQueue(string callId, IvrQueueTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        call.EnterQueue(transfer.Queue, transfer.Variables, entry => joinQueue(transfer.ToCallerRequest(entry.CallerId, entry.CallbackNumber, entry.Queue)));
    }

    public void TransferToExtension(string callId, string extension, ImmutableDictionary<string, string> variables) =>
        call.TransferToExtension(extension, variables);

    public void HangUp(string callId, IvrHangupReason reason) =>
        call.HangUp(reason == IvrHangupReason.Runaway ? "IVR flow stopped as a runaway" : "IVR flow ended");

    public void Start() => _session?.Start();

    public void PromptFinished(long playbackId) => _session?.PromptFinished(playbackId);

    public void DigitReceived(char digit) => _session?.DigitReceived(digit);

    public void CallerHungUp() => _session?.CallerHungUp();

    public void Dispose() => _session?.Dispose();
}
