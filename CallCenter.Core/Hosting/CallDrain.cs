namespace CallCenter.Core.Hosting;

/// <summary>
/// Tracks work that a graceful stop must let finish (calls in progress). Call setup asks
/// <see cref="TryEnter"/> before accepting a new call; once draining starts it answers false, so the SIP layer
/// replies 503 and the phone or trunk tries elsewhere. Thread-safe: called from every call's own context.
/// </summary>
public sealed class CallDrain
{
    private readonly object _gate = new();
    private int _active;
    private bool _draining;
    private TaskCompletionSource? _idle;

    public int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    public bool IsDraining
    {
        get
        {
            lock (_gate)
            {
                return _draining;
            }
        }
    }

    /// <summary>Registers one unit of work; dispose the lease when it ends. Null once draining has begun.</summary>
    public IDisposable? TryEnter()
    {
        lock (_gate)
        {
            if (_draining)
            {
                return null;
            }

            _active++;
            return new Lease(this);
        }
    }

    /// <summary>Stops new work and completes when the active count reaches zero or the timeout passes.</summary>
    /// <returns>True when everything ended by itself, false when the timeout cut it short.</returns>
    public async Task<bool> DrainAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            _draining = true;
            if (_active == 0)
            {
                return true;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = _idle.Task;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        try
        {
            await idle.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Leave()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            _active--;
            if (_active == 0 && _draining)
            {
                idle = _idle;
            }
        }

        // Completed outside the lock: continuations run asynchronously anyway, but never under our gate.
        idle?.TrySetResult();
    }

    private sealed class Lease(CallDrain owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave();
            }
        }
    }
}
