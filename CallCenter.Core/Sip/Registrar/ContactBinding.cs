using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Sip.Registrar;

/// <summary>
/// One binding of an address of record to a contact (RFC 3261 §10), as the registration store holds it. Immutable:
/// a refresh or a reachability change replaces the record, so a snapshot handed to a caller never changes under it.
/// </summary>
public sealed record ContactBinding
{
    /// <summary>Assigned by the store and unique for the life of the database; the persistence key.</summary>
    public long Id { get; init; }

    /// <summary>The user part of the address of record: the extension from extensions.xml.</summary>
    public required string Extension { get; init; }

    public required SipUri ContactUri { get; init; }

    /// <summary>The contact's "q" preference (§20.10); null when the phone gave none.</summary>
    public double? Q { get; init; }

    /// <summary>How to reach the phone: the flow its REGISTER came over (transport, received address and port,
    /// listener, connection). After a restart the flow is gone and only an address remains.</summary>
    public required SipTarget Target { get; init; }

    /// <summary>Call-ID and CSeq of the REGISTER that last wrote this binding (§10.3 step 7 orders updates by them).</summary>
    public required string CallId { get; init; }

    public required uint CSeq { get; init; }

    /// <summary>Wall-clock expiry, for display and for the database; logic uses the store's monotonic clock.</summary>
    public required DateTimeOffset ExpiresAtUtc { get; init; }

    public required DateTimeOffset RegisteredAtUtc { get; init; }

    public required DateTimeOffset UpdatedAtUtc { get; init; }

    /// <summary>The User-Agent header of the last REGISTER, cut to a bounded length.</summary>
    public string? UserAgent { get; init; }

    public Reachability Reachability { get; init; }

    /// <summary>Expiry on the store's monotonic clock (time since the store started); immune to clock steps.</summary>
    internal TimeSpan ExpiresAt { get; init; }

    /// <summary>Last refresh on the store's monotonic clock; ranks equally preferred contacts, newest first.</summary>
    internal TimeSpan UpdatedAt { get; init; }
}
