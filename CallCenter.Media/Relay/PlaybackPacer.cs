using System.Collections.Concurrent;
using CallCenter.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace CallCenter.Media.Relay;

/// <summary>
/// The one pacing loop for every stream the relays generate (prompts, music on hold, tones): every 20 ms it makes one
/// frame for each playing stream and sends it, rather than a timer per stream.
/// Why a dedicated thread and not the relay event loops' epoll timeout: a music-on-hold class must move on once per
/// tick for all its listeners, whichever loop serves them, so one clock must drive every stream; the event loops do
/// not exist on other systems or with <see cref="MediaRelayOptions.UseEventLoop"/> off, and their wake-ups are paced
/// by packets, not by time. A thread of its own also keeps the 50 Hz beat off the thread pool (as the event loops
/// do), where SIP and call-loop work would make it late. The price is that generated frames and relayed packets for
/// the same stream come from two threads, which each stream's <see cref="MediaLeg.RewriterGate"/> serialises.
/// Time comes from the injected <see cref="TimeProvider"/>: tick k is due at the anchor plus k × 20 ms, and
/// <see cref="RunDueTicks"/> runs the ticks due by the clock's reading, so tests drive it with a fake clock and no
/// thread. A late wake-up (a GC pause) is caught up by running the missed ticks at once, at most
/// <see cref="MaxCatchUpTicks"/> of them; older ones are skipped (the RTP timestamps jump by their time, with the
/// marker set), because a phone's jitter buffer has run dry by then and the stale audio would only add delay.
/// Playbacks arrive through a queue from the call loops; the list of playing streams is owned by the pacing thread.
/// When nothing plays, the thread sleeps until a playback is added, and the schedule starts again from then.
/// </summary>
internal sealed class PlaybackPacer : IAsyncDisposable
{
    public const int FrameSamples = 160;
    public const int MaxCatchUpTicks = 5;
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<RelayPlayback> _added = new();
    private readonly ManualResetEventSlim _wake = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread? _thread;
    private int _disposed;
    private long _ticks;
    private long _skippedTicks;
    private int _playingCount;

    // Owned by whoever runs the ticks (the pacing thread, or a test).
    private readonly List<RelayPlayback> _playing = [];
    private readonly byte[] _buffer = new byte[RtpPacket.FixedHeaderLength + FrameSamples];
    private long _anchorTimestamp;
    private long _anchorTick;
    private long _nextTick;

    /// <param name="dedicatedThread">False for tests and benchmarks, which call <see cref="RunDueTicks"/>.</param>
    public PlaybackPacer(TimeProvider time, ILogger logger, bool dedicatedThread)
    {
        _time = time;
        _logger = logger;
        if (dedicatedThread)
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "Media pacing loop" };
            _thread.Start();
        }
        else
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Ticks run so far (each made one frame per playing stream).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Ticks that were too late to catch up and made no frames.</summary>
    public long SkippedTicks => Interlocked.Read(ref _skippedTicks);

    /// <summary>Streams playing after the last tick.</summary>
    public int Playing => Volatile.Read(ref _playingCount);

    /// <summary>Queues a playback for the next tick. From any thread.</summary>
    public void Add(RelayPlayback playback)
    {
        _added.Enqueue(playback);
        _wake.Set();
    }

    /// <summary>
    /// Runs every tick due by now (at most <see cref="MaxCatchUpTicks"/>) and returns how many ran. One caller at a
    /// time: the pacing thread, or a test with a fake clock.
    /// </summary>
    public int RunDueTicks()
    {
        var now = _time.GetTimestamp();
        var wasIdle = _playing.Count == 0;
        while (_added.TryDequeue(out var playback))
        {
            _playing.Add(playback);
        }

        if (_playing.Count == 0)
        {
            return 0;
        }

        var due = _anchorTick + (_time.GetElapsedTime(_anchorTimestamp, now).Ticks / TickInterval.Ticks);
        if (wasIdle && due > _nextTick)
        {
            // Nothing was playing for a while: the schedule starts now, not where it stopped (no catch-up of idle
            // time). A playback that follows at once (an observer starting the next prompt) keeps the beat instead,
            // so its first frame does not arrive on the heels of the last one.
            _anchorTimestamp = now;
            _anchorTick = _nextTick;
            due = _nextTick;
        }
        if (due < _nextTick)
        {
            return 0;
        }

        var missed = due - _nextTick + 1 - MaxCatchUpTicks;
        if (missed > 0)
        {
            _nextTick += missed;
            Interlocked.Add(ref _skippedTicks, missed);
            MediaLog.PacingSkipped(_logger, missed, _playing.Count);
        }

        var ran = 0;
        for (; _nextTick <= due; _nextTick++)
        {
            RunTick(_nextTick);
            ran++;
        }

        Interlocked.Add(ref _ticks, ran);
        Volatile.Write(ref _playingCount, _playing.Count);
        return ran;
    }

    /// <summary>How long until the next tick is due (zero if it is due now); for the thread's sleep.</summary>
    private TimeSpan UntilNextTick()
    {
        var dueAt = (_nextTick - _anchorTick) * TickInterval;
        var elapsed = _time.GetElapsedTime(_anchorTimestamp);
        return dueAt > elapsed ? dueAt - elapsed : TimeSpan.Zero;
    }

    private void RunTick(long tick)
    {
        for (var i = 0; i < _playing.Count;)
        {
            var playback = _playing[i];
            PlayOutcome outcome;
            try
            {
                outcome = playback.Relay.PlayFrame(playback, tick, _buffer);
            }
            catch (Exception e)
            {
                // A bug in a source costs its playback, not the other streams.
                MediaLog.PlaybackFault(_logger, e, playback.Relay.Id, playback.Side);
                playback.Relay.EndPlayback(playback, PlaybackEnd.Faulted);
                outcome = PlayOutcome.Ended;
            }

            if (outcome == PlayOutcome.Playing)
            {
                i++;
                continue;
            }

            // Order among streams does not matter: swap the last one in.
            _playing[i] = _playing[^1];
            _playing.RemoveAt(_playing.Count - 1);
            if (outcome == PlayOutcome.Finished)
            {
                Notify(playback);
            }
        }
    }

    private void Notify(RelayPlayback playback)
    {
        if (playback.Observer is not { } observer)
        {
            return;
        }

        try
        {
            observer.OnPlaybackFinished(playback);
        }
        catch (Exception e)
        {
            MediaLog.PlaybackObserverFault(_logger, e, playback.Relay.Id);
        }
    }

    private void Run()
    {
        try
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                if (_playing.Count == 0 && _added.IsEmpty)
                {
                    _wake.Wait();
                    _wake.Reset();
                    continue;
                }

                try
                {
                    RunDueTicks();
                }
                catch (Exception e)
                {
                    MediaLog.PacingFault(_logger, e);
                }

                if (_playing.Count > 0)
                {
                    // Thread.Sleep wakes about a tenth of a millisecond late on Linux; the schedule is absolute, so
                    // lateness does not accumulate. Capped at one tick so that a clock that does not move (a test's)
                    // cannot park the thread.
                    var wait = UntilNextTick();
                    Thread.Sleep(wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : wait > TickInterval ? TickInterval : wait);
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _wake.Set();
#pragma warning disable VSTHRD003 // The pacing thread is this object's own; the promise runs continuations asynchronously.
        await _stopped.Task.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        _wake.Dispose();
    }
}
