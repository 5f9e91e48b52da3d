using System.Collections.Immutable;
using System.Text.Json;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Playback;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// A call to an IVR route's number (issue 6). As for a queue's number, the server answers the caller itself with the
// relay's A side, so its media is anchored from the first moment; the IVR's session then drives the call through
// IIvrCallCommands: prompts played to leg A by the relay's pacing loop, keys (RFC 4733, INFO, and in-band while the
// flow runs) reported back, and one ending: a queue (the call becomes a queue call), an extension (rung with the
// relay's B side as a queue's overflow target is), or a hang-up. Call context only.
internal sealed partial class Call : IIvrCallCommands
{
    /// <summary>How long the BYE of a flow's hang-up waits after the flow decided it.</summary>
    internal static readonly TimeSpan IvrHangupLinger = TimeSpan.FromMilliseconds(300);

    // Shared by every call: the player only reads it.
    private static readonly ReadOnlyMemory<short> LingerSilence = new short[(int)IvrHangupLinger.TotalMilliseconds * 8];

    private IIvrCallEvents? _ivr;
    private ITimer? _ivrByeTimer;
    private RelayPlayback? _ivrPlayback;
    private long _ivrPlaybackId;
    private bool _ivrTransferred;

    string IIvrCallCommands.CallId => UniqueId;

    /// <summary>What the flow learnt (dip answers, collected digits, the caller and called numbers), kept from the
    /// moment it handed the call on; empty for a call that never ran a flow.</summary>
    internal ImmutableDictionary<string, string> IvrVariables { get; private set; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Call context, from <see cref="Start"/>: the caller dialled an IVR route's number.</summary>
    private void StartIvrCall(IIvrCalls ivr, string number)
    {
        if (!PrepareMedia())
        {
            return;
        }

        _state = CallState.Answered;
        Record(CelEventType.Answer, ALegId);
        AnswerCaller();
        if (_state != CallState.Answered)
        {
            return;
        }

        // The caller's channel is answered now, by the server, and billing starts here as in Asterisk (answer is when
        // the channel was answered, billsec counts from it). No phone's leg yet: the one the flow leads to fills in
        // the CDR's dstchannel and answered-by when it answers (CdrRepository).
        _manager.Cdr?.Answer(new CallAnswered(UniqueId, _manager.Time.GetUtcNow(), null, null));

        // In-band detection costs a decode per packet, so it runs only while a flow listens for keys.
        _relay!.DetectInBandDigits(MediaLegSide.A, true);
        CallLog.IvrEntered(_manager.Logger, UniqueId, _caller.Extension, number);
        _ivr = ivr.Create(this, _caller.Extension, number);
        if (_ivr is null)
        {
            _relay.DetectInBandDigits(MediaLegSide.A, false);
            HangUpQueueCaller("no IVR flow for " + number);
            return;
        }

        _ivr.Start();
    }

    /// <summary>Call context, from a relayed, in-band or INFO key press. A phone that sends a key both as RFC 4733 and
    /// as a tone is reported once by the relay, which owns both streams in order on the leg's receive loop (a window
    /// here would have to guess at the delays between the two).</summary>
    private void OnIvrDigit(MediaLegSide from, char digit)
    {
        if (from == MediaLegSide.A)
        {
            _ivr?.DigitReceived(digit);
        }
    }

    void IIvrCallCommands.PlayToCaller(long playbackId, IPlaybackSource source)
    {
        if (_ivr is null || _relay is null || _state != CallState.Answered)
        {
            return;
        }

        _ivrPlaybackId = playbackId;
        _ivrPlayback = _relay.Play(MediaLegSide.A, source, new IvrPlaybackObserver(this, playbackId));
    }

    void IIvrCallCommands.StopPlayback(long playbackId)
    {
        if (_ivrPlaybackId == playbackId && _ivrPlayback is { } playback)
        {
            _relay?.Stop(playback);
            _ivrPlayback = null;
        }
    }

    void IIvrCallCommands.EnterQueue(string queue, ImmutableDictionary<string, string> variables, Func<IvrQueueEntry, bool> join)
    {
        LeaveIvr("queue " + queue);
        KeepIvrVariables(variables, "queue " + queue);
        if (_state != CallState.Answered)
        {
            return;
        }

        // Validated when ivr.xml was loaded; a live reload of queues.xml can still take it away.
        if (_manager.Options.Queues.FindQueue(queue) is not { } options)
        {
            HangUpQueueCaller("IVR target queue " + queue + " does not exist");
            return;
        }

        // As for a caller who dialled the queue: a callback rings the caller's own number.
        JoinQueue(options, () => join(new IvrQueueEntry(QueueCallId, _caller.Extension, options)));
    }

    void IIvrCallCommands.TransferToExtension(string extension, ImmutableDictionary<string, string> variables)
    {
        LeaveIvr("extension " + extension);
        KeepIvrVariables(variables, "extension " + extension);
        if (_state != CallState.Answered)
        {
            return;
        }

        if (_manager.Options.Extensions.FindUser(extension) is not { } user)
        {
            HangUpQueueCaller("IVR target extension " + extension + " does not exist");
            return;
        }

        // The extension's own features apply as to a call dialled to it, in the same order (forward-always before
        // do-not-disturb), one hop: a forward of the forward is not followed from here.
        var features = _manager.FeaturesOf(user);
        if (features.ForwardAlways is { } always && _manager.Options.Extensions.FindUser(always) is { } forwarded)
        {
            CallLog.Forwarded(_manager.Logger, UniqueId, user.Extension, forwarded.Extension, "always");
            user = forwarded;
        }
        else if (features.DoNotDisturb)
        {
            if (features.ForwardBusy is not { } busy || _manager.Options.Extensions.FindUser(busy) is not { } instead)
            {
                HangUpQueueCaller("IVR target " + user.Extension + " is set to do not disturb");
                return;
            }

            CallLog.Forwarded(_manager.Logger, UniqueId, user.Extension, instead.Extension, "busy");
            user = instead;
        }

        // The caller's leg is answered already: this is the queue's direct offer (an overflow to an extension).
        _ivrTransferred = true;
        Record(CelEventType.Forward, ALegId, "{\"to\":\"" + user.Extension + "\",\"reason\":\"ivr\"}");
        var offer = new QueueAgentOffer(this, 0, user.Extension, direct: true);
        if (!TryRing(offer, user.NoAnswerTimeout ?? _manager.Options.Calls.RingTimeout, out var status))
        {
            HangUpQueueCaller("IVR target " + user.Extension + " unavailable (" + status.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
        }
    }

    void IIvrCallCommands.HangUp(string why)
    {
        LeaveIvr("hang-up");

        // A flow mostly hangs up right after its last prompt ("goodbye") finished going out, but the phone's jitter
        // buffer still holds its last frames, and one like baresip's plays them out only as more packets push them
        // (it lost the last 0.1 s of a 2.9 s prompt). So the BYE waits, and silence goes out meanwhile; a caller
        // hanging up in between ends the call as usual.
        if (_relay is { } relay && _state == CallState.Answered)
        {
            relay.Play(MediaLegSide.A, PromptSource.Of(LingerSilence));
        }

        _ivrByeTimer?.Dispose();
        _ivrByeTimer = _manager.Time.CreateTimer(
            _ => Post(() => HangUpQueueCaller(why)), null, IvrHangupLinger, Timeout.InfiniteTimeSpan);
    }

    private void OnIvrPromptFinished(long playbackId)
    {
        if (_ivrPlaybackId == playbackId)
        {
            _ivrPlayback = null;
            _ivr?.PromptFinished(playbackId);
        }
    }

    /// <summary>The flow is done with the call: no more keys, prompts or reports go to it. The session is disposed
    /// once the command that ended it has returned (it may still be inside it now).</summary>
    private void LeaveIvr(string destination)
    {
        if (_ivr is not { } session)
        {
            return;
        }

        _ivr = null;
        CallLog.IvrLeft(_manager.Logger, UniqueId, destination);
        if (_ivrPlayback is { } playback)
        {
            _relay?.Stop(playback);
            _ivrPlayback = null;
        }

        if (_relay is { } relay && !relay.IsDisposed)
        {
            relay.DetectInBandDigits(MediaLegSide.A, false);
        }

        Post(session.Dispose);
    }

    /// <summary>
    /// The flow's variables stay with the call, and go on its record as a USER_DEFINED event (Asterisk's CEL has
    /// the same for what a dial plan wants kept), so that whoever looks at the call's events
    /// (GET /api/cdr/{id}/events) sees what the caller entered and what the dip found. The record and not the log:
    /// account numbers and CRM answers do not belong in a log file at Information level.
    /// </summary>
    private void KeepIvrVariables(ImmutableDictionary<string, string> variables, string destination)
    {
        IvrVariables = variables;
        if (variables.IsEmpty || _state != CallState.Answered)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("userdeftype", "IVR");
            json.WriteString("to", destination);
            json.WriteStartObject("variables");
            foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        Record(CelEventType.UserDefined, ALegId, System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>Call context, as the call finishes (<see cref="Finish"/>): a flow still running hears that the caller
    /// left, and an extension the flow transferred to stops ringing (a queue call ends through the queue's own end).</summary>
    private void EndIvrCall()
    {
        _ivrByeTimer?.Dispose();
        if (_ivr is { } session)
        {
            session.CallerHungUp();
            LeaveIvr("the end of the call");
        }

        if (_ivrTransferred && _queue is null)
        {
            foreach (var offer in _agentOffers.Values.ToList())
            {
                WithdrawAgentOffer(offer);
            }

            _queueByeTimer?.Dispose();
        }
    }

    /// <summary>Pacing thread: a prompt sequence ended by itself; the call hears of it on its own context.</summary>
    private sealed class IvrPlaybackObserver(Call call, long playbackId) : IPlaybackObserver
    {
        public void OnPlaybackFinished(RelayPlayback playback) => call.Post(() => call.OnIvrPromptFinished(playbackId));
    }
}
