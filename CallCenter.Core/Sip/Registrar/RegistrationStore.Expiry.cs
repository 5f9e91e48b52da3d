namespace CallCenter.Core.Sip.Registrar;

// Expiry with one timer for the whole store (STYLE.md: one heartbeat rather than a timer per connection, and no
// polling): the timer is armed for the soonest expiry in the index and re-armed whenever that changes.
public sealed partial class RegistrationStore
{
    // Runs on a timer thread (synchronously inside Advance with the fake clock in tests).
    private void OnTimer()
    {
        Interlocked.Increment(ref _timerFirings);
        List<ContactBinding>? expired = null;
        var firstDrop = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Whatever it was armed for has fired: let ArmLocked set it again from the index.
            _armedFor = TimeSpan.MaxValue;
            var now = Now;
            while (_expiries.TryPeek(out var id, out var expiresAt) && expiresAt <= now)
            {
                var binding = _byId[id];
                DetachLocked(binding);
                ReplaceAorLocked(binding.Extension, _aors[binding.Extension].Bindings.Remove(binding));
                firstDrop |= PublishLocked(RegistrationChangeKind.Expired, binding);
                (expired ??= []).Add(binding);
            }

            ArmLocked();
        }

        ReportDrop(firstDrop);
        foreach (var binding in expired ?? [])
        {
            LogExpired(_logger, binding.Extension, binding.ContactUri.ToString(), binding.Target.ToString());
        }
    }

    private void ArmLocked()
    {
        _expiries.TryPeek(out _, out var soonest);
        if (soonest == _armedFor || _disposed)
        {
            return;
        }

        _armedFor = soonest;
        if (soonest == TimeSpan.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var wait = soonest - Now;
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestTimerWait ? LongestTimerWait : wait;
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }
}
