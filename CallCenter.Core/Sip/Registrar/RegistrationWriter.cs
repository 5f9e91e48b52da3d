using CallCenter.Core.Storage;
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
internal sealed partial class RegistrationWriter : WriteBehindLoop
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>After a batch, changes gather this long before the next one. Under a registration storm every
    /// commit rewrites the same table and index pages into the WAL and takes the file locks again, so a hundred
    /// rows in one commit cost little more than one; a change reaches the disk at most this much later, and a
    /// <see cref="WriteBehindLoop.FlushAsync"/> cuts the wait short.</summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    private readonly RegistrationRepository _repository;
    private readonly ILogger _logger;
    private Dictionary<long, ContactBinding?> _pending = [];
    private Dictionary<long, ContactBinding?> _taken = [];

    public RegistrationWriter(RegistrationRepository repository, TimeProvider time, ILogger logger)
        : base(time, BatchWindow, RetryDelay)
    {
        _repository = repository;
        _logger = logger;
    }

    public int PendingWrites
    {
        get
        {
            lock (Gate)
            {
                return _pending.Count;
            }
        }
    }

    public void EnqueueUpsert(ContactBinding binding) => Enqueue(binding.Id, binding);

    public void EnqueueDelete(long id) => Enqueue(id, null);

    protected override int TakeBatchLocked()
    {
        _taken = _pending;
        _pending = [];
        return _taken.Count;
    }

    protected override long WriteTaken()
    {
        _repository.Write(_taken);
        return _taken.Count;
    }

    protected override void PutBackLocked()
    {
        // A change that arrived meanwhile is newer than the failed one and wins.
        foreach (var (id, binding) in _taken)
        {
            _pending.TryAdd(id, binding);
        }
    }

    protected override void OnWriteFailed(int count, Exception exception) => LogWriteFailed(_logger, count, exception);

    protected override void OnWriteRecovered() => LogWriteRecovered(_logger);

    protected override void OnStopped() => _repository.Dispose();

    private void Enqueue(long id, ContactBinding? binding)
    {
        lock (Gate)
        {
            _pending[id] = binding;
        }

        Ring();
    }

    [LoggerMessage(EventId = 2530, Level = LogLevel.Warning,
        Message = "Saving {Count} registration changes to the database failed; retrying every few seconds, the live registrations are unaffected")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2531, Level = LogLevel.Information, Message = "Registration changes are being saved to the database again")]
    private static partial void LogWriteRecovered(ILogger logger);
}
