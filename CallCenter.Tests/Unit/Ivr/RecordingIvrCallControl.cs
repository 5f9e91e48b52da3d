using System.Collections.Immutable;
using CallCenter.Core.Ivr;

namespace CallCenter.Tests.Unit.Ivr;

/// <summary>The port as a list of what the session asked for, in order, with the playback ids it used.</summary>
internal sealed class RecordingIvrCallControl : IIvrCallControl
{
    public List<string> Commands { get; } = [];

    public long LastPlaybackId { get; private set; }

    public IvrQueueTransfer? Queue { get; private set; }

    public ImmutableDictionary<string, string>? ExtensionVariables { get; private set; }

    public void Play(string callId, long playbackId, ImmutableArray<string> prompts, string language, bool interruptible)
    {
        LastPlaybackId = playbackId;
        Commands.Add($"play {string.Join('+', prompts)}{(interruptible ? "" : " !")}");
        PlayedLanguages.Add(language);
    }

    public List<string> PlayedLanguages { get; } = [];

    public void StopPlayback(string callId, long playbackId) => Commands.Add($"stop {playbackId}");

    public void TransferToQueue(string callId, IvrQueueTransfer transfer)
    {
        Queue = transfer;
        Commands.Add($"queue {transfer.Queue}");
    }

    public void TransferToExtension(string callId, string extension, ImmutableDictionary<string, string> variables)
    {
        ExtensionVariables = variables;
        Commands.Add($"extension {extension}");
    }

    public void HangUp(string callId, IvrHangupReason reason) => Commands.Add($"hangup {reason}");

    public string Last => Commands.Count == 0 ? "(nothing)" : Commands[^1];
}
