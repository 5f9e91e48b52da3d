using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The owner's handle on an INVITE client transaction: the INVITE as sent (with the layer's Via, whose branch the
/// CANCEL and the ACK for a non-2xx reuse), where it went, and <see cref="Cancel"/>.
/// </summary>
public sealed class SipClientInvite
{
    private readonly ClientInviteTransaction? _transaction;
    private readonly SipRequest? _request;
    private readonly Action _postCancel;
    private int _cancelRequested;

    internal SipClientInvite(ClientInviteTransaction transaction, SipTarget target)
    {
        _transaction = transaction;
        _postCancel = transaction.PostCancel;
        Target = target;
    }

    /// <summary>For a transaction user's tests: a handle on an INVITE that a test double "sent", whose CANCEL is
    /// whatever the double records. The layer itself always uses the constructor above.</summary>
    internal SipClientInvite(SipRequest request, SipTarget target, Action postCancel)
    {
        _request = request;
        Target = target;
        _postCancel = postCancel;
    }

    /// <summary>The INVITE as sent, until 2 s after its first 2xx: the transaction then lets it go for the rest of
    /// Timer M (and this throws). A 2xx read later makes its dialog from the 2xx alone (SipClientInviteDialogs).</summary>
    public SipRequest Request => _transaction?.Request ?? _request!;

    /// <summary>The INVITE as sent if it is still kept (up to 2 s after its first 2xx), else null.</summary>
    public SipRequest? HeldRequest => _transaction is null ? _request : _transaction.HeldRequest;

    public SipTarget Target { get; }

    public bool IsCancelRequested => Volatile.Read(ref _cancelRequested) != 0;

    /// <summary>
    /// §9.1: cancels the INVITE if it can still be cancelled. The CANCEL goes out only once a provisional response
    /// has arrived (before that the peer may not have the INVITE, and a CANCEL could overtake it); if none has yet,
    /// it is sent when the first one does. After a final response it does nothing. The CANCEL runs as a non-INVITE
    /// client transaction of its own; the INVITE then normally ends with a 487 through
    /// <see cref="ISipInviteOwner.OnFailure"/>. Safe from any thread; a second call does nothing.
    /// </summary>
    public void Cancel()
    {
        if (Interlocked.Exchange(ref _cancelRequested, 1) == 0)
        {
            _postCancel();
        }
    }

    public override string ToString() => $"INVITE to {Target} ({_transaction?.CallId ?? _request?.CallId})";
}
