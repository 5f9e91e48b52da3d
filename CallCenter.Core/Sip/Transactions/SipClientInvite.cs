using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// The owner's handle on an INVITE client transaction: the INVITE as sent (with the layer's Via, whose branch the
/// CANCEL and the ACK for a non-2xx reuse), where it went, and <see cref="Cancel"/>.
/// </summary>
public sealed class SipClientInvite
{
    private readonly SipRequest _request;
    private readonly Action _postCancel;
    private int _cancelRequested;

    internal SipClientInvite(ClientInviteTransaction transaction, SipTarget target)
        : this(transaction.Request, target, transaction.PostCancel)
    {
    }

    /// <summary>For a transaction user's tests: a handle with no transaction behind it, whose CANCEL is
    /// <paramref name="postCancel"/>.</summary>
    internal SipClientInvite(SipRequest request, SipTarget target, Action postCancel)
    {
        _request = request;
        _postCancel = postCancel;
        Target = target;
    }

    public SipRequest Request => _request;

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

    public override string ToString() => $"INVITE {Request.RequestUri} ({Request.CallId})";
}
