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
public sealed partial class CdrWriter : BoundedWriteBehindLoop
{
    /// <summary>About five seconds of reports at the design peak (3,000 calls/s, about seven reports a call: the row,
    /// its answer and end, the CEL events), a few hundred bytes each: 10,000 was two thirds of a second, and a load
    /// run at 2,500 calls/s dropped 552 reports when one commit waited behind a collection pause (bench/RESULTS.md,
    /// session 7). The bound is for a disk that stops, not for a burst.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>After a commit, reports gather this long before the next one.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly CdrRepository _repository;
    private readonly ILogger _logger;
    private Dictionary<string, CdrPendingCall> _calls = new(StringComparer.Ordinal);
    private List<CallEvent> _events = [];
    private Dictionary<string, CdrPendingCall> _takenCalls = new(StringComparer.Ordinal);
    private List<CallEvent> _takenEvents = [];
    private long _unmatched;

    internal CdrWriter(CdrRepository repository, TimeProvider time, ILogger logger, int capacity = DefaultCapacity)
        : base(time, BatchWindow, RetryDelay, capacity)
    {
        _repository = repository;
        _logger = logger;
    }

    /// <summary>Answers and ends that found no open row: the call's open was dropped, or it was reported twice.</summary>
    public long Unmatched => Interlocked.Read(ref _unmatched);

    protected override int PendingLocked => _calls.Count + _events.Count;

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
        return EnqueueCall(answer.UniqueId, ReserveCeiling, answer, static (entry, report) => entry.Set(report));
    }

    public bool End(CallEnded end)
    {
        ArgumentNullException.ThrowIfNull(end);
        ArgumentException.ThrowIfNullOrEmpty(end.UniqueId);
        return EnqueueCall(end.UniqueId, ReserveCeiling, end, static (entry, report) => entry.Set(report));
    }

    public bool Event(CallEvent callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        ArgumentException.ThrowIfNullOrEmpty(callEvent.UniqueId);
        bool accepted;
        lock (Gate)
        {
            accepted = HasRoomLocked(Capacity);
            if (accepted)
            {
                _events.Add(callEvent);
            }
        }

        return Accepted(accepted);
    }

    private bool EnqueueCall<T>(string uniqueId, int limit, T report, Action<CdrPendingCall, T> set)
    {
        bool accepted;
        lock (Gate)
        {
            if (IsDisposedLocked)
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

    protected override int TakePendingLocked()
    {
        _takenCalls = _calls;
        _takenEvents = _events;
        _calls = new Dictionary<string, CdrPendingCall>(StringComparer.Ordinal);
        _events = [];
        return _takenCalls.Count + _takenEvents.Count;
    }

    /// <summary>Counts reports on disk: an open, an answer, an end or an event each count one.</summary>
    protected override long WriteTaken()
    {
        var unmatched = _repository.Write(_takenCalls.Values, _takenEvents);
        Interlocked.Add(ref _unmatched, unmatched);
        return _takenCalls.Values.Sum(c => c.Count) + _takenEvents.Count;
    }

    protected override void OnWriteFailed(int count, Exception exception) => LogWriteFailed(_logger, count, exception);

    protected override void OnWriteRecovered() => LogWriteRecovered(_logger);

    protected override void OnStopped() => _repository.Dispose();

    protected override void OnQueueFull() => LogQueueFull(_logger, Capacity);

    protected override void OnDropsEnded(long dropped) => LogDropsEnded(_logger, dropped);

    protected override void PutBackPendingLocked()
    {
        foreach (var (uniqueId, older) in _takenCalls)
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

        _events.InsertRange(0, _takenEvents);
    }
}
