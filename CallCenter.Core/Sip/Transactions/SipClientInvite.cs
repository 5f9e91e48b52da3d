using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The owner's handle on an INVITE client transaction: the INVITE as sent (with the layer's Via, whose branch the
/// CANCEL and the ACK for a non-2xx reuse), where it went, and <see cref="Cancel"/>.
/// </summary>
public sealed class SipClientInvite
{
    private readonly SipRequest? _request;
    private volatile string? _callId;
    private volatile ClientInviteTransaction? _transaction;
    private volatile Action _postCancel;
    private int _cancelRequested;

    internal SipClientInvite(ClientInviteTransaction transaction, SipTarget target)
    {
        _transaction = transaction;
        _postCancel = transaction.PostCancel;
        _callId = transaction.CallId;
        Target = target;
    }

    /// <summary>For a transaction user's tests: a handle on an INVITE that a test double "sent", whose CANCEL is
    /// whatever the double records. The layer itself always uses the constructor above.</summary>
    internal SipClientInvite(SipRequest request, SipTarget target, Action postCancel)
    {
        _request = request;
        _callId = request.CallId;
        Target = target;
        _postCancel = postCancel;
    }

    /// <summary>The INVITE as sent, until 2 s after its first 2xx: the transaction then lets it go for the rest of
    /// Timer M (and this throws). A 2xx read later makes its dialog from the 2xx alone (SipClientInviteDialogs).</summary>
    public SipRequest Request => _transaction is { } transaction ? transaction.Request
        : _request ?? throw new InvalidOperationException("This INVITE's transaction has let go of it.");

    /// <summary>The INVITE as sent if it is still kept (up to 2 s after its first 2xx), else null.</summary>
    public SipRequest? HeldRequest => _transaction is { } transaction ? transaction.HeldRequest : _request;

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

    /// <summary>Shard: the transaction is done with (Accepted, with only Timer M left): the handle lets go of it (and
    /// of the Call-ID it names in log lines), so that the copy kept for Timer M holds nothing more. A cancel then does
    /// nothing, as it would after a 2xx anyway.</summary>
    internal void Detach()
    {
        _postCancel = static () => { };
        _transaction = null;
        _callId = null;
    }

    public override string ToString() => _callId is { } callId ? $"INVITE to {Target} ({callId})" : $"INVITE to {Target}";
}
