using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// Takes what the call layer reports about calls and writes it to the cdr and cel tables behind the call path
/// (STYLE.md §9). <see cref="Open"/>, <see cref="Answer"/>, <see cref="End"/> and <see cref="Event"/> are cheap and
/// safe from any thread (a call's loop, usually): they take this object's short lock, add to the pending batch and
/// return. They never wait for the disk.
/// <para>Batching: the first report after a quiet spell is written at once; after each commit the writer gathers
/// for <see cref="BatchWindow"/> (a <see cref="FlushAsync"/> or disposal cuts the wait), so a burst of calls costs one
/// commit per window rather than one per report. Reports for one call coalesce: an open, answer and end in the same
/// window are one insert and two updates in one transaction.</para>
/// <para>Durability: a call's row is on disk within about <see cref="BatchWindow"/> of its first INVITE, not at once.
/// A crash (or kill -9) inside that window loses the reports of the last ~100 ms, and with them the rows of the
/// calls that began in it; while the disk is failing and batches wait for a retry, it loses everything waiting. A
/// power cut can also lose the last commits, since the database runs WAL with synchronous=NORMAL. Rows already written and left open are closed as interrupted at the next start
/// (<see cref="CdrStore.OpenAsync"/>).</para>
/// <para>Bounded: at most <see cref="Capacity"/> reports wait (calls with reports pending count once each, events
/// once each, and a batch being written counts until it is committed). When it is full, a report that would add to
/// the depth is dropped and counted in <see cref="Dropped"/>, and the first drop of an episode is logged; nothing ever
/// blocks. The order of sacrifice: a new event or a new call is refused at <see cref="Capacity"/>, while an answer
/// or end of a call whose row is already written may still use a reserve of a quarter more, because losing an end
/// leaves a finished call open until the next restart calls it interrupted. A report for a call that is already
/// pending merges into it and never adds depth.</para>
/// <para>Failure: a batch that cannot be written (disk full, file locked) is put back in front of what arrived since
/// and retried every few seconds; the failure is logged once and the recovery once.</para>
/// </summary>
public sealed partial class CdrWriter : IAsyncDisposable
{
    public const int DefaultCapacity = 10_000;

    /// <summary>After a commit, reports gather this long before the next one.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly CdrRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _updateCeiling;

    // A doorbell, not a queue: one pending ring is enough to make the writer look at what is pending.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<string, CdrPendingCall> _calls = new(StringComparer.Ordinal);
    private List<CallEvent> _events = [];
    private int _inFlight;
    private long _droppedInEpisode;
    private List<TaskCompletionSource> _flushes = [];
    private TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _written;
    private long _batches;
    private long _failures;
    private long _dropped;
    private long _unmatched;
    private bool _failing;
    private int _disposed;

    internal CdrWriter(CdrRepository repository, TimeProvider time, ILogger logger, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _repository = repository;
        _time = time;
        _logger = logger;
        Capacity = capacity;
        _updateCeiling = capacity + Math.Max(1, capacity / 4);
    }

    public int Capacity { get; }

    /// <summary>Reports waiting, including a batch being written.</summary>
    public int Depth
    {
        get
        {
            lock (_gate)
            {
                return DepthLocked;
            }
        }
    }

    /// <summary>Reports on disk (an open, an answer, an end or an event each count one).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Transactions committed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Reports refused because the queue was full or the writer was disposed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Answers and ends that found no open row: the call's open was dropped, or it was reported twice.</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    private int DepthLocked => _calls.Count + _events.Count + _inFlight;

    /// <summary>A call began. Returns false if the report was dropped.</summary>
    public bool Open(CallOpened call)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentException.ThrowIfNullOrEmpty(call.UniqueId);
        return EnqueueCall(call.UniqueId, Capacity, call, static (entry, report) => entry.Set(report));
    }

    public bool Answer(CallAnswered answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentException.ThrowIfNullOrEmpty(answer.UniqueId);
        return EnqueueCall(answer.UniqueId, _updateCeiling, answer, static (entry, report) => entry.Set(report));
    }

    public bool End(CallEnded end)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentException.ThrowIfNullOrEmpty(end.UniqueId);
        return EnqueueCall(end.UniqueId, _updateCeiling, end, static (entry, report) => entry.Set(report));
    }

    public bool Event(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        ArgumentException.ThrowIfNullOrEmpty(callEvent.UniqueId);
        bool accepted;
        lock (_gate)
        {
            accepted = _disposed == 0 && DepthLocked < Capacity;
            if (accepted)
            {
                _events.Add(callEvent);
            }
        }

        return Accepted(accepted);
    }

    /// <summary>Completes once everything reported before the call is on disk (or the writer was disposed).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_disposed != 0)
            {
                return Task.CompletedTask;
            }

            _flushes.Add(done);
            _flushRequested.TrySetResult();
        }

        _doorbell.Writer.TryWrite(true);
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
        }

        _doorbell.Writer.TryComplete();
        if (_loop is not null)
        {
            // The loop writes what is pending before it ends; cancelling only cuts short a retry wait or a batch window.
            await _stopping.CancelAsync();
#pragma warning disable VSTHRD003 // The loop is this object's own task, started in Start().
            await _loop;
#pragma warning restore VSTHRD003
        }

        List<TaskCompletionSource> flushes;
        lock (_gate)
        {
            flushes = _flushes;
            _flushes = [];
        }

        foreach (var flush in flushes)
        {
            flush.TrySetResult();
        }

        _repository.Dispose();
        _stopping.Dispose();
    }

    internal void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    private bool EnqueueCall<T>(string uniqueId, int limit, T report, Action<CdrPendingCall, T> set)
    {
        bool accepted;
        lock (_gate)
        {
            if (_disposed != 0)
            {
                accepted = false;
            }
            else if (_calls.TryGetValue(uniqueId, out var entry))
            {
                set(entry, report);
                accepted = true;
            }
            else if (DepthLocked < limit)
            {
                entry = new CdrPendingCall();
                set(entry, report);
                _calls.Add(uniqueId, entry);
                accepted = true;
            }
            else
            {
                accepted = false;
            }
        }

        return Accepted(accepted);
    }

    // Outside the lock: ring the writer, or count (and, once an episode, log) the drop.
    private bool Accepted(bool accepted)
    {
        if (accepted)
        {
            _doorbell.Writer.TryWrite(true);
            return true;
        }

        Interlocked.Increment(ref _dropped);
        bool first;
        lock (_gate)
        {
            first = _disposed == 0 && _droppedInEpisode++ == 0;
        }

        if (first)
        {
            LogQueueFull(_logger, Capacity);
        }

        return false;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (await _doorbell.Reader.WaitToReadAsync(CancellationToken.None))
            {
                _doorbell.Reader.TryRead(out _);
                var written = Written;
                if (WriteBatch())
                {
                    if (Written != written && !stopping.IsCancellationRequested)
                    {
                        await GatherAsync(stopping);
                    }
                }
                else if (!stopping.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(RetryDelay, _time, stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        // Disposal: fall through to the last attempt below.
                    }

                    _doorbell.Writer.TryWrite(true);
                }
            }
        }
        finally
        {
            // A last attempt, so that a clean stop leaves every call that ended on disk as closed.
            WriteBatch();
        }
    }

    /// <summary>Writer task: waits out <see cref="BatchWindow"/>, or less if a flush is asked for or the writer stops.</summary>
    private async Task GatherAsync(CancellationToken stopping)
    {
        Task flushRequested;
        lock (_gate)
        {
            if (_flushes.Count > 0)
            {
                return;
            }

            if (_flushRequested.Task.IsCompleted)
            {
                _flushRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            flushRequested = _flushRequested.Task;
        }

        using var window = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var delay = Task.Delay(BatchWindow, _time, window.Token);
        await Task.WhenAny(delay, flushRequested).ConfigureAwait(false);
        await window.CancelAsync().ConfigureAwait(false);
    }

    // Writer task. Returns false when the batch failed and was put back.
    private bool WriteBatch()
    {
        Dictionary<string, CdrPendingCall> calls;
        List<CallEvent> events;
        List<TaskCompletionSource> flushes;
        lock (_gate)
        {
            calls = _calls;
            events = _events;
            flushes = _flushes;
            _calls = new Dictionary<string, CdrPendingCall>(StringComparer.Ordinal);
            _events = [];
            _flushes = [];
            _inFlight = calls.Count + events.Count;
        }

        if (calls.Count + events.Count > 0)
        {
            try
            {
                var unmatched = _repository.Write(calls.Values, events);
                Interlocked.Add(ref _written, calls.Values.Sum(c => c.Count) + events.Count);
                Interlocked.Add(ref _unmatched, unmatched);
                Interlocked.Increment(ref _batches);
                if (_failing)
                {
                    _failing = false;
                    LogWriteRecovered(_logger);
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
            {
                // Put back before counting, so that whoever sees the failure count also sees the batch pending again.
                PutBack(calls, events, flushes);
                Interlocked.Increment(ref _failures);
                if (!_failing)
                {
                    _failing = true;
                    LogWriteFailed(_logger, calls.Count + events.Count, ex);
                }

                return false;
            }
        }

        long dropped = 0;
        lock (_gate)
        {
            _inFlight = 0;

            // An episode of drops ends once the queue has room again; say how much it cost.
            if (_droppedInEpisode > 0 && DepthLocked < Capacity / 2)
            {
                dropped = _droppedInEpisode;
                _droppedInEpisode = 0;
            }
        }

        if (dropped > 0)
        {
            LogDropsEnded(_logger, dropped);
        }

        foreach (var flush in flushes)
        {
            flush.TrySetResult();
        }

        return true;
    }

    private void PutBack(Dictionary<string, CdrPendingCall> calls, List<CallEvent> events, List<TaskCompletionSource> flushes)
    {
        lock (_gate)
        {
            foreach (var (uniqueId, older) in calls)
            {
                if (_calls.TryGetValue(uniqueId, out var newer))
                {
                    newer.MergeOlder(older);
                }
                else
                {
                    _calls.Add(uniqueId, older);
                }
            }

            _events.InsertRange(0, events);
            _flushes.InsertRange(0, flushes);
            _inFlight = 0;
        }
    }
}
