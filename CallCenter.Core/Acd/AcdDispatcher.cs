using System.Threading.Channels;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Acd;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Acd;

/// <summary>
/// The ACD's serial context: one bounded mailbox and one loop that runs every message against the
/// <see cref="AcdRouter"/> in order (STYLE.md §4, §9). Calls' loops, feature codes and the console post here and
/// return at once; none of them ever waits for the router, and the router never takes a lock.
/// <para>Why one context for all queues rather than one per queue: an agent serves several queues and a decision
/// must see all of them at once (never two offers to one agent, wrap-up across queues); splitting would need locks
/// or cross-queue messages on exactly those paths. A decision costs microseconds (bench/), so one loop serves far
/// more calls a second than the SIP side produces.</para>
/// <para>Threading: posts from any thread; the loop runs on a thread-pool thread, one message at a time; the
/// router's deadline timer posts its tick like any producer, so timers run on the loop too. An exception from a
/// message is a bug: logged with the message's kind, and the loop goes on with the next.</para>
/// <para>Bounded (§12): <see cref="Capacity"/> messages; a post that finds it full is refused (false), counted in
/// <see cref="Dropped"/> and logged once per episode. The timer's tick is never lost to a full mailbox: it is a flag
/// the loop checks after every message.</para>
/// </summary>
public sealed partial class AcdDispatcher : IAsyncDisposable
{
    public const int DefaultCapacity = 65_536;

    private readonly Channel<Action<AcdRouter>> _mailbox;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private int _tickPending;
    private long _dropped;
    private int _dropEpisode;

    public AcdDispatcher(
        QueuesOptions queues,
        ExtensionsOptions extensions,
        TimeProvider time,
        IAcdCallControl control,
        IAcdRecordSink records,
        ILoggerFactory loggers,
        IEnumerable<AcdAgentLastState>? restore = null,
        int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _logger = loggers.CreateLogger<AcdDispatcher>();
        _mailbox = Channel.CreateBounded<Action<AcdRouter>>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Router = new AcdRouter(queues, extensions, time, control, records, loggers.CreateLogger<AcdRouter>(), marshal: OnTimerFired);
        if (restore is not null)
        {
            Router.Restore(restore);
        }

        _loop = Task.Run(RunAsync);
    }

    public int Capacity { get; }

    public int Depth => _mailbox.Reader.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Only for tests and the loop: touching it from another thread breaks the router's single-thread rule.</summary>
    internal AcdRouter Router { get; }

    public bool Join(CallerRequest request) => Post(r => r.Join(request));

    public bool CallerHungUp(string callerId, TimeSpan hold = default) => Post(r => r.CallerHungUp(callerId, hold));

    public bool AgentHungUp(string callerId, TimeSpan hold = default) => Post(r => r.AgentHungUp(callerId, hold));

    public bool CallerPressed(string callerId, char digit) => Post(r => r.CallerPressed(callerId, digit));

    public bool OfferAnswered(long offerId) => Post(r => r.OfferAnswered(offerId));

    public bool OfferFailed(long offerId, OfferFailure failure) => Post(r => r.OfferFailed(offerId, failure));

    public bool CallbackAnswered(string callerId) => Post(r => r.CallbackAnswered(callerId));

    public bool CallbackFailed(string callerId) => Post(r => r.CallbackFailed(callerId));

    public Task<AgentCommandResult> LoginAsync(string agentId, string extension) => AskAsync(r => r.Login(agentId, extension));

    public Task<AgentCommandResult> LogoutAsync(string agentId) => AskAsync(r => r.Logout(agentId));

    public Task<AgentCommandResult> SetNotReadyAsync(string agentId, string? reason) => AskAsync(r => r.SetNotReady(agentId, reason));

    public Task<AgentCommandResult> SetReadyAsync(string agentId) => AskAsync(r => r.SetReady(agentId));

    public Task<AgentCommandResult> TogglePauseAsync(string agentId) => AskAsync(r => r.TogglePause(agentId));

    public Task<AcdSnapshot> GetSnapshotAsync() => AskAsync(r => r.Snapshot());

    /// <summary>A new configuration generation (subscribe to ILiveConfiguration.Changed with this).</summary>
    public bool ApplyConfiguration(CallCenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Post(r => r.ApplyConfiguration(options.Queues, options.Extensions));
    }

    public async ValueTask DisposeAsync()
    {
        _mailbox.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The loop is this object's own task, started in the constructor.
        await _loop.ConfigureAwait(false);
#pragma warning restore VSTHRD003
    }

    private bool Post(Action<AcdRouter> message)
    {
        if (_mailbox.Writer.TryWrite(message))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        if (Interlocked.Exchange(ref _dropEpisode, 1) == 0)
        {
            LogMailboxFull(_logger, Capacity);
        }

        return false;
    }

    // Completes on the loop; a refused post completes at once with the failure, and a question that throws (a bug,
    // or an argument the router refuses) faults the task before the loop logs it, so no caller waits forever.
    private Task<T> AskAsync<T>(Func<AcdRouter, T> question)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Post(r =>
            {
                try
                {
                    answer.TrySetResult(question(r));
                }
                catch (Exception ex)
                {
                    answer.TrySetException(ex);
                    throw;
                }
            }))
        {
            answer.TrySetException(new InvalidOperationException("The ACD is overloaded (its mailbox is full); try again."));
        }

        return answer.Task;
    }

    // Timer thread: raise the flag and ring; if the mailbox is full the flag alone is enough, the loop sees it after
    // the message it is on.
    private void OnTimerFired(Action onTimer)
    {
        if (Interlocked.Exchange(ref _tickPending, 1) == 0)
        {
            _mailbox.Writer.TryWrite(static _ => { });
        }
    }

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                Run(message);
                if (Interlocked.Exchange(ref _tickPending, 0) == 1)
                {
                    Run(static r => r.OnTimer());
                }
            }

            if (Volatile.Read(ref _dropEpisode) == 1 && reader.Count < Capacity / 2)
            {
                Volatile.Write(ref _dropEpisode, 0);
                LogMailboxRecovered(_logger, Dropped);
            }
        }
    }

    private void Run(Action<AcdRouter> message)
    {
        try
        {
            message(Router);
        }
        catch (Exception ex)
        {
            LogMessageFailed(_logger, ex);
        }
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Error, Message = "An ACD message failed; the router goes on with the next one")]
    private static partial void LogMessageFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "The ACD mailbox is full ({Capacity} messages): reports are refused until it drains")]
    private static partial void LogMailboxFull(ILogger logger, int capacity);

    [LoggerMessage(EventId = 1322, Level = LogLevel.Information, Message = "The ACD mailbox has room again; {Dropped} messages refused so far")]
    private static partial void LogMailboxRecovered(ILogger logger, long dropped);
}
