using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace CallCenter.Core.Storage;

/// <summary>
/// The writer task that stores a component's changes behind the call path (STYLE.md §9): producers add to a pending
/// batch under <see cref="Gate"/> and ring; one task takes the batch, writes it in one transaction, and then gathers
/// for the batch window before the next, so a burst costs one commit per window. A batch that fails is put back in
/// front of what arrived since and retried after a delay; the failure and the recovery are reported once each.
/// <para>What a batch is, how it is written and how it merges back is the derived writer's
/// (<see cref="TakeBatchLocked"/>, <see cref="WriteTaken"/>, <see cref="PutBackLocked"/>); the loop, flushes,
/// disposal and counters are here, shared by the registration and CDR writers.</para>
/// <para>Threading: producers and <see cref="FlushAsync"/> run on any thread and take only <see cref="Gate"/>;
/// the hooks run on the writer task, the *Locked ones under <see cref="Gate"/>.</para>
/// </summary>
public abstract class WriteBehindLoop : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _batchWindow;
    private readonly TimeSpan _retryDelay;

    // A doorbell, not a queue: one pending ring is enough to make the writer look at what is pending.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly CancellationTokenSource _stopping = new();
    private List<TaskCompletionSource> _flushes = [];
    private TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _written;
    private long _batches;
    private long _failures;
    private bool _failing;
    private bool _disposed;

    protected WriteBehindLoop(TimeProvider time, TimeSpan batchWindow, TimeSpan retryDelay)
    {
        _time = time;
        _batchWindow = batchWindow;
        _retryDelay = retryDelay;
    }

    /// <summary>Items on disk, as <see cref="WriteTaken"/> counted them.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Transactions committed (each carries every change gathered since the previous one).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Guards the pending batch of the derived writer and the loop's own state. Held briefly, never across I/O.</summary>
    protected object Gate { get; } = new();

    /// <summary>Under <see cref="Gate"/>: true once disposal began; producers refuse new work then.</summary>
    protected bool IsDisposedLocked => _disposed;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Completes once everything added before the call is on disk (or the writer was disposed).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            _flushes.Add(done);
            _flushRequested.TrySetResult();
        }

        Ring();
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        lock (Gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
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
        lock (Gate)
        {
            flushes = _flushes;
            _flushes = [];
        }

        foreach (var flush in flushes)
        {
            flush.TrySetResult();
        }

        OnStopped();
        _stopping.Dispose();
    }

    /// <summary>Tells the writer task there is something pending. Call outside <see cref="Gate"/>.</summary>
    protected void Ring() => _doorbell.Writer.TryWrite(true);

    /// <summary>Writer task, under <see cref="Gate"/>: moves what is pending into the batch about to be written and
    /// returns how many items it holds (0: nothing to write).</summary>
    protected abstract int TakeBatchLocked();

    /// <summary>Writer task, outside the lock: writes the taken batch in one transaction and returns how many items
    /// reached the disk. Throws <see cref="SqliteException"/>, <see cref="IOException"/> or
    /// <see cref="ObjectDisposedException"/> when the batch could not be written.</summary>
    protected abstract long WriteTaken();

    /// <summary>Writer task, under <see cref="Gate"/>: the taken batch failed; merge it back in front of what arrived
    /// since (a newer change to the same item wins).</summary>
    protected abstract void PutBackLocked();

    /// <summary>Writer task, outside the lock, after a batch was committed.</summary>
    protected virtual void OnBatchWritten()
    {
    }

    protected abstract void OnWriteFailed(int count, Exception exception);

    protected abstract void OnWriteRecovered();

    /// <summary>Disposal, once the writer task has ended: release the connection.</summary>
    protected abstract void OnStopped();

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
                        await Task.Delay(_retryDelay, _time, stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        // Disposal: fall through to the last attempt below.
                    }

                    Ring();
                }
            }
        }
        finally
        {
            // A last attempt, so that a clean stop leaves the tables matching what was reported.
            WriteBatch();
        }
    }

    /// <summary>Writer task: waits out the batch window, or less if a flush is asked for or the writer stops.</summary>
    private async Task GatherAsync(CancellationToken stopping)
    {
        Task flushRequested;
        lock (Gate)
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
        var delay = Task.Delay(_batchWindow, _time, window.Token);
        await Task.WhenAny(delay, flushRequested).ConfigureAwait(false);
        await window.CancelAsync().ConfigureAwait(false);
    }

    // Writer task. Returns false when the batch failed and was put back. The flushes are taken with the batch:
    // a flush is answered only when everything added before it is on disk.
    private bool WriteBatch()
    {
        List<TaskCompletionSource> flushes;
        int count;
        lock (Gate)
        {
            flushes = _flushes;
            _flushes = [];
            count = TakeBatchLocked();
        }

        if (count > 0)
        {
            try
            {
                var written = WriteTaken();
                Interlocked.Add(ref _written, written);
                Interlocked.Increment(ref _batches);
                if (_failing)
                {
                    _failing = false;
                    OnWriteRecovered();
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
            {
                // Put back before counting, so that whoever sees the failure count also sees the batch pending again.
                lock (Gate)
                {
                    PutBackLocked();
                    _flushes.InsertRange(0, flushes);
                }

                Interlocked.Increment(ref _failures);
                if (!_failing)
                {
                    _failing = true;
                    OnWriteFailed(count, ex);
                }

                return false;
            }
        }

        OnBatchWritten();
        foreach (var flush in flushes)
        {
            flush.TrySetResult();
        }

        return true;
    }
}
