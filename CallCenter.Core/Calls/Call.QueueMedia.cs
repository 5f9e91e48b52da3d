using CallCenter.Media.Playback;
using CallCenter.Media.Relay;
using CallCenter.Media.Tones;

namespace CallCenter.Core.Calls;

// What a waiting queue caller hears (issue 6). From the join until the caller is connected to an agent, leaves,
// overflows out of the queues or hangs up, leg A of the relay plays the queue's music-on-hold class (the class's one
// shared stream, see MusicOnHoldSource). The ACD's announcements interrupt it as a prompt sequence, after which the
// music resumes wherever the shared stream is by then; a callback request is confirmed before the caller's BYE. Every
// playback replaces the previous one on leg A without a break in the RTP stream (MediaRelay.Play), and the music is
// stopped before an agent's leg becomes leg B, since while something plays to A the relay drops what B sends.
// The sounds come through IQueueSounds, which the host attaches; without it nothing plays (as before). A sound that
// cannot be played is logged once per server and skipped: silence for a prompt, comfort noise for a class.
// Call context only.
internal sealed partial class Call
{
    /// <summary>How long the BYE after the callback confirmation may wait beyond the prompt's own length: the
    /// pacing loop reports the end within a tick, so this bound matters only when that report cannot arrive.</summary>
    private static readonly TimeSpan CallbackConfirmationMargin = TimeSpan.FromSeconds(2);

    // Sent after the confirmation, before the BYE: a phone's jitter buffer plays out its last frames only as more
    // packets push them (the IVR's hang-up found baresip losing 0.1 s), so 300 ms of silence follow the prompt.
    private static readonly ReadOnlyMemory<short> ConfirmationTail = new short[2400];

    private RelayPlayback? _queuePlayback;
    private bool _queueAnnouncing;
    private string? _queueLanguage;
    private string? _callbackConfirmation;
    private ITimer? _callbackConfirmationTimer;

    /// <summary>Call context: the waiting caller hears its queue's music from now on (again, after an announcement,
    /// or the new queue's class after an overflow).</summary>
    private void StartQueueMusic()
    {
        if (_manager.QueueSounds is not { } sounds || _relay is not { IsDisposed: false } relay || _state != CallState.Answered || !_queued || _agentConnected)
        {
            return;
        }

        var name = _queue!.MusicOnHold;
        IPlaybackSource source;
        if (sounds.MusicOnHold(name) is { } musicClass)
        {
            source = new MusicOnHoldSource(musicClass);
        }
        else
        {
            if (_manager.FirstMissing("moh:" + name))
            {
                CallLog.MusicOnHoldMissing(_manager.Logger, name, _queue.Name);
            }

            source = new ComfortNoiseSource();
        }

        CallLog.QueueMusic(_manager.Logger, UniqueId, name, _queue.Name);
        _queueAnnouncing = false;
        _queuePlayback = relay.Play(MediaLegSide.A, source);
    }

    /// <summary>Call context: an extension rings for a caller the server answered itself (an IVR's transfer, a queue's
    /// overflow): no 180 can reach an answered caller, so it hears the configured region's ringback from the relay
    /// instead of silence, until the extension answers (the bridge stops it) or the call ends.</summary>
    private void StartRingback()
    {
        if (_relay is not { IsDisposed: false } relay || _state != CallState.Answered)
        {
            return;
        }

        _queueAnnouncing = false;
        _queuePlayback = relay.Play(MediaLegSide.A, new ToneSource(CallProgressTones.For(_manager.Options.Calls.Tones, CallProgressTone.Ringback)));
    }

    /// <summary>Call context: nothing of the queue plays to the caller any more (an announcement included).</summary>
    private void StopQueueMedia()
    {
        _queueAnnouncing = false;
        if (_queuePlayback is { } playback)
        {
            _queuePlayback = null;
            _relay?.Stop(playback);
        }
    }

    /// <summary>Call context: the ACD's announcement for this caller, played instead of the music, which resumes
    /// after it. A newer announcement replaces one still playing.</summary>
    internal void OnQueueAnnouncement(QueueAnnouncement announcement)
    {
        if (!_queued || _agentConnected || _state != CallState.Answered)
        {
            return;
        }

        if (_manager.QueueSounds is not { } sounds || _relay is not { IsDisposed: false } relay)
        {
            CallLog.QueueAnnouncement(_manager.Logger, UniqueId, announcement.Kind.ToString(), announcement.Position,
                announcement.EstimatedWait?.TotalSeconds, announcement.Prompt);
            return;
        }

        var names = AnnouncementPrompts(announcement);
        var player = new PromptPlayer(Math.Max(1, names.Count));
        foreach (var name in names)
        {
            player.Enqueue(PromptOrSilence(sounds, name));
        }

        CallLog.QueueAnnouncementPlays(_manager.Logger, UniqueId, announcement.Kind.ToString(), string.Join(' ', names));
        if (!player.IsPlaying)
        {
            // Every prompt is missing: the music goes on.
            return;
        }

        _queueAnnouncing = true;
        _queuePlayback = relay.Play(MediaLegSide.A, new PromptSource(player), new QueuePromptObserver(this));
    }

    /// <summary>The prompt names of an announcement. Numbers are spoken digit by digit ("caller number | one | two"
    /// for 12), which is what the shipped prompt set can say; a wait is in whole minutes, rounded up, at least one.
    /// A queue with a callback digit offers the callback after each announcement, except to a caller who is on its
    /// callback already.</summary>
    private List<string> AnnouncementPrompts(QueueAnnouncement announcement)
    {
        var names = new List<string>(12);
        if (announcement.Kind == QueueAnnouncementKind.Position)
        {
            if (announcement.Position is { } position && position > 0)
            {
                names.Add("caller-number");
                AddDigits(names, position);
            }

            if (announcement.EstimatedWait is { } wait)
            {
                names.Add("estimated-wait");
                AddDigits(names, (int)Math.Clamp(Math.Ceiling(wait.TotalMinutes), 1, 999));
                names.Add("minutes");
            }
        }
        else if (announcement.Prompt is { } prompt)
        {
            names.Add(prompt);
        }

        if (names.Count > 0 && _queue?.CallbackDigit is { } callbackDigit && !_callbackPlaced)
        {
            // "To be called back instead of waiting, press" and the queue's own digit (a key without a recording,
            // * or #, is left unsaid rather than misnamed).
            names.Add("callback-offer");
            if (char.IsAsciiDigit(callbackDigit))
            {
                names.Add("digit-" + callbackDigit);
            }
        }

        return names;
    }

    private static void AddDigits(List<string> names, int number)
    {
        foreach (var digit in number.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            names.Add("digit-" + digit);
        }
    }

    /// <summary>Call context, from <see cref="OnCallbackAccepted"/>: the caller is told its callback is booked, and its
    /// leg is hung up once that was heard (or after the prompt's length and a margin, whichever comes first).</summary>
    private void ConfirmCallbackThenHangUp(string why)
    {
        StopQueueMedia();
        var prompt = _manager.QueueSounds is { } sounds ? PromptOrSilence(sounds, "callback-confirm") : ReadOnlyMemory<short>.Empty;
        if (prompt.IsEmpty || _relay is not { IsDisposed: false } relay || _state != CallState.Answered)
        {
            HangUpQueueCaller(why);
            return;
        }

        var player = new PromptPlayer(2);
        player.Enqueue(prompt);
        player.Enqueue(ConfirmationTail);
        _callbackConfirmation = why;
        _queuePlayback = relay.Play(MediaLegSide.A, new PromptSource(player), new QueuePromptObserver(this));
        var length = TimeSpan.FromSeconds((prompt.Length + ConfirmationTail.Length) / 8000.0);
        _callbackConfirmationTimer = _manager.Time.CreateTimer(
            _ => Post(EndCallbackConfirmation), null, length + CallbackConfirmationMargin, Timeout.InfiniteTimeSpan);
    }

    private void EndCallbackConfirmation()
    {
        if (_callbackConfirmation is not { } why)
        {
            return;
        }

        _callbackConfirmation = null;
        _callbackConfirmationTimer?.Dispose();
        StopQueueMedia();
        CallLog.CallbackConfirmed(_manager.Logger, UniqueId);
        HangUpQueueCaller(why);
    }

    /// <summary>Call context: a prompt sequence of the queue ended by itself.</summary>
    private void OnQueuePromptFinished(RelayPlayback playback)
    {
        if (!ReferenceEquals(_queuePlayback, playback))
        {
            // Replaced or stopped meanwhile: whatever replaced it is in charge now.
            return;
        }

        _queuePlayback = null;
        if (_callbackConfirmation is not null)
        {
            EndCallbackConfirmation();
            return;
        }

        _queueAnnouncing = false;
        StartQueueMusic();
    }

    /// <summary>Call context, as the call finishes: nothing waits to be played or hung up any more.</summary>
    private void EndQueueMedia()
    {
        _callbackConfirmationTimer?.Dispose();
        _callbackConfirmation = null;
        _queuePlayback = null;
        _queueAnnouncing = false;
    }

    /// <summary>The prompt, or empty (silence) when it cannot be played, which is logged once per server.</summary>
    private ReadOnlyMemory<short> PromptOrSilence(IQueueSounds sounds, string name)
    {
        var language = _queueLanguage ??= CallerLanguage(sounds);
        var prompt = sounds.Prompt(language, name);
        if (prompt.IsEmpty && _manager.FirstMissing("prompt:" + language + "/" + name))
        {
            CallLog.QueuePromptMissing(_manager.Logger, language, name);
        }

        return prompt;
    }

    /// <summary>The language of the IVR flow the caller dialled into, if it came through one; else the default.</summary>
    private string CallerLanguage(IQueueSounds sounds) =>
        (_aDialled is { } dialled ? _manager.Options.Ivr.FlowForNumber(dialled)?.Language : null)
        ?? sounds.DefaultLanguage;

    /// <summary>Pacing thread: a queue prompt sequence ended by itself; the call hears of it on its own context.</summary>
    private sealed class QueuePromptObserver(Call call) : IPlaybackObserver
    {
        public void OnPlaybackFinished(RelayPlayback playback) => call.Post(() => call.OnQueuePromptFinished(playback));
    }
}
