namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// Write-back of refreshes, as Kamailio's usrloc does in its db_mode 2: a refresh that changes only what a refresh
/// changes (Call-ID, CSeq, expiry, update time) is not written while the row already in the database keeps the binding
/// alive for at least half of its new interval; a later refresh that finds less than that left writes it. A REGISTER
/// storm of refreshes then costs SQLite a row per binding every half interval instead of a row per REGISTER (the
/// writer's batches were 5-7 % of a registration's CPU at 20,000 REGISTER/s, bench/RESULTS.md).
/// <para>What a crash can lose: the expiry of a deferred refresh. The row read back at the next start ends the
/// binding at its written expiry (at least half an interval after the refresh), earlier than the phone expects;
/// the phone's next refresh registers it again. Anything else about a binding (a new contact, transport, received
/// address, user agent, q) and every removal is written at once. A clean stop writes every deferred refresh.</para>
/// Under the store's lock, like everything that touches the bindings.
/// </summary>
public sealed partial class RegistrationStore
{
    /// <summary>Per binding id, the expiry the database row holds (or will, once the writer's batch commits).</summary>
    private readonly Dictionary<long, DateTimeOffset> _writtenExpiry = [];

    /// <summary>Bindings whose latest refresh is not in the database.</summary>
    private readonly HashSet<long> _deferred = [];

    private long _deferredRefreshes;

    /// <summary>Refreshes not written since start because the row on disk still covered them (write-back).</summary>
    public long DeferredRefreshes => Interlocked.Read(ref _deferredRefreshes);

    /// <summary>True when <paramref name="refreshed"/> may stay out of the database for now (see the class comment).</summary>
    private bool CanDeferLocked(ContactBinding stored, ContactBinding refreshed)
    {
        if (_writer is null || !_writtenExpiry.TryGetValue(refreshed.Id, out var written) || !SameButForRefresh(stored, refreshed))
        {
            return false;
        }

        var now = refreshed.UpdatedAtUtc;
        return written - now >= (refreshed.ExpiresAtUtc - now) / 2;
    }

    private static bool SameButForRefresh(ContactBinding stored, ContactBinding refreshed) =>
        string.Equals(stored.Extension, refreshed.Extension, StringComparison.Ordinal)
        && string.Equals(stored.ContactUri.ToString(), refreshed.ContactUri.ToString(), StringComparison.Ordinal)
        && stored.Q == refreshed.Q
        && stored.Target == refreshed.Target
        && stored.RegisteredAtUtc == refreshed.RegisteredAtUtc
        && string.Equals(stored.UserAgent, refreshed.UserAgent, StringComparison.Ordinal);

    private void WrittenLocked(ContactBinding binding)
    {
        _writtenExpiry[binding.Id] = binding.ExpiresAtUtc;
        _deferred.Remove(binding.Id);
    }

    private void DeferredLocked(ContactBinding binding)
    {
        _deferred.Add(binding.Id);
        _deferredRefreshes++;
    }

    private void ForgottenLocked(long id)
    {
        _writtenExpiry.Remove(id);
        _deferred.Remove(id);
    }

    /// <summary>A clean stop: every deferred refresh goes to the writer before it drains and stops.</summary>
    private void WriteDeferredLocked()
    {
        foreach (var id in _deferred)
        {
            if (_byId.TryGetValue(id, out var binding))
            {
                _writer?.EnqueueUpsert(binding);
                _writtenExpiry[id] = binding.ExpiresAtUtc;
            }
        }

        _deferred.Clear();
    }
}
