using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// Writes the store's changes to SQLite behind the SIP path (STYLE.md §9). The queue is coalesced per binding: it
/// holds at most one pending write (the latest state, or a delete) for each binding id, so a phone refreshing every
/// few seconds while the disk is slow replaces its own entry instead of piling up, and the depth can never exceed the
/// number of bindings touched since the last batch. Nothing is ever dropped, so no drop counter is needed.
/// <para>Threading: <see cref="EnqueueUpsert"/> and <see cref="EnqueueDelete"/> are called under the store's lock and
/// only take this object's own short lock; one writer task applies each batch in one transaction.</para>
/// </summary>
internal sealed partial class RegistrationWriter : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>After a batch, changes gather this long before the next one. Under a registration storm every
    /// commit rewrites the same table and index pages into the WAL and takes the file locks again, so a hundred
    /// rows in one commit cost little more than one; a change reaches the disk at most this much later, and a
    /// <see cref="FlushAsync"/> cuts the wait short.</summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private readonly RegistrationRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // A doorbell, not a queue: one pending ring is enough to make the writer look at _pending.
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<long, ContactBinding?> _pending = [];
    private List<TaskCompletionSource> _flushes = [];
    private TaskCompletionSource _flushRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _written;
    private long _batches;
    private long _failures;
    private bool _failing;
    private int _disposed;

    public RegistrationWriter(RegistrationRepository repository, TimeProvider time, ILogger logger)
    {
        _repository = repository;
        _time = time;
        _logger = logger;
    }

    public int PendingWrites
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public long Written => Interlocked.Read(ref _written);

    /// <summary>Transactions committed (each carries every change gathered since the previous one).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Failures => Interlocked.Read(ref _failures);

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    public void EnqueueUpsert(ContactBinding binding) => Enqueue(binding.Id, binding);

    public void EnqueueDelete(long id) => Enqueue(id, null);

    /// <summary>Completes once everything enqueued before the call is on disk (or the writer was disposed).</summary>
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
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _doorbell.Writer.TryComplete();
        if (_loop is not null)
        {
            // The loop drains what is pending before it ends; cancelling only cuts short a retry wait or a batch window.
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

    private void Enqueue(long id, ContactBinding? binding)
    {
        lock (_gate)
        {
            _pending[id] = binding;
        }

        _doorbell.Writer.TryWrite(true);
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
            // A final attempt so that a clean shutdown leaves the table matching the store.
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

    // Runs on the writer task. Returns false when the batch failed and was put back.
    private bool WriteBatch()
    {
        Dictionary<long, ContactBinding?> batch;
        List<TaskCompletionSource> flushes;
        lock (_gate)
        {
            batch = _pending;
            flushes = _flushes;
            _pending = [];
            _flushes = [];
        }

        if (batch.Count > 0)
        {
            try
            {
                _repository.Write(batch);
                Interlocked.Add(ref _written, batch.Count);
                Interlocked.Increment(ref _batches);
                if (_failing)
                {
                    _failing = false;
                    LogWriteRecovered(_logger);
                }
            }
            catch (Exception ex) when (ex is SqliteException or IOException or ObjectDisposedException)
            {
                Interlocked.Increment(ref _failures);
                if (!_failing)
                {
                    _failing = true;
                    LogWriteFailed(_logger, batch.Count, ex);
                }

                lock (_gate)
                {
                    // A change that arrived meanwhile is newer than the failed one and wins.
                    foreach (var (id, binding) in batch)
                    {
                        _pending.TryAdd(id, binding);
                    }

                    _flushes.InsertRange(0, flushes);
                }

                return false;
            }
        }

        foreach (var flush in flushes)
        {
            flush.TrySetResult();
        }

        return true;
    }

    [LoggerMessage(EventId = 2530, Level = LogLevel.Warning,
        Message = "Saving {Count} registration changes to the database failed; retrying every few seconds, the live registrations are unaffected")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2531, Level = LogLevel.Information, Message = "Registration changes are being saved to the database again")]
    private static partial void LogWriteRecovered(ILogger logger);
}
