using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// Requests the peer sends inside the dialog (§12.2.2), whichever side created it, and the
// responses this side gives them. The owner calls OnRequest when the request arrives, answers it
// (with the rejection when there is one), and calls OnResponseSent with the final status it sent:
// §12.2.2 makes a request atomic (accepted, all its state changes happen; rejected, none do), so
// a target refresh moves the remote target only once its 2xx is on its way, and a re-INVITE the
// owner refuses leaves the target where it was.
public sealed partial class SipDialog
{
    // Checks an in-dialog request other than ACK and applies what takes effect on receipt.
    // Null means accepted: the owner handles it and answers. Otherwise the owner answers with the
    // rejection (adding its Retry-After) and does not call OnResponseSent.
    //   481: the dialog is terminated, or the request's tags are not this dialog's (§12.2.2).
    //   500: CSeq below the remote sequence number (§12.2.2).
    //   491: an INVITE while our own INVITE on this dialog is in progress (§14.2).
    //   500 with Retry-After 0-10 s: an INVITE while the peer's previous INVITE still has no
    //        final response from us (§14.2).
    // The remote sequence number advances for every request that is in order, including one
    // refused for glare: the peer has used that number, and §12.2.2 orders by number alone.
    // An accepted BYE terminates the dialog at once (§15.1.2); the owner still answers it 200,
    // and answers a pending INVITE 487.
    public SipDialogRejection? OnRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.IsMethod(SipMethods.Ack))
        {
            throw new ArgumentException("An ACK gets no response: use OnAck.", nameof(request));
        }

        if (State == SipDialogState.Terminated || !SipDialogId.TryFromRequest(request, out var id) || id != Id)
        {
            return SipDialogRejection.DoesNotExist;
        }

        if (request.CSeq is not { } cseq)
        {
            return new SipDialogRejection(400, "Bad Request - Missing CSeq");
        }

        if (RemoteSequence is { } remote && cseq.Number < remote)
        {
            return SipDialogRejection.OutOfOrder;
        }

        RemoteSequence = cseq.Number;
        if (request.IsMethod(SipMethods.Invite))
        {
            if (_outgoingInvite is not null)
            {
                return SipDialogRejection.RequestPending;
            }

            if (_incomingInvite is not null)
            {
                return SipDialogRejection.InviteInProgress(Random.Shared.Next(0, 11));
            }

            _incomingInvite = cseq.Number;
        }
        else if (request.IsMethod(SipMethods.Bye))
        {
            Terminate();
        }

        return null;
    }

    // An ACK in the dialog (the ACK for a 2xx, which the transaction layer hands to the TU,
    // RFC 6026). True when it acknowledges the 2xx this side is waiting on: the owner stops
    // retransmitting that 2xx (§13.3.1.4) and reads any answer SDP. False for a retransmitted
    // ACK, one for another CSeq, or one whose tags are not this dialog's. ACK carries the INVITE's
    // CSeq number, which may be below the remote sequence number (a PRACK or UPDATE sent during
    // the INVITE), so it is exempt from the §12.2.2 ordering check and leaves the number alone.
    public bool OnAck(SipRequest ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (!ack.IsMethod(SipMethods.Ack) || !SipDialogId.TryFromRequest(ack, out var id) || id != Id)
        {
            return false;
        }

        if (_awaitingAck is { } awaited && ack.CSeq?.Number == awaited)
        {
            _awaitingAck = null;
            return true;
        }

        return false;
    }

    // Tells the dialog which final (or dialog-confirming) response this side sent to `request`,
    // a request the dialog accepted or the request that created it. It applies the changes the
    // response commits to:
    //   the dialog-creating request: 101-199 keeps the dialog early, 2xx confirms it, 300-699
    //     ends an early dialog (§12.3, §13.3.1);
    //   a 2xx to a target refresh (re-INVITE, UPDATE, ...) with a Contact: the remote target
    //     becomes that Contact (§12.2.2, RFC 3311);
    //   a final response to an INVITE ends that INVITE's progress (§14.2) and a 2xx to one
    //     starts waiting for its ACK.
    // Provisional responses to other requests change nothing.
    public void OnResponseSent(SipRequest request, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        if (State == SipDialogState.Terminated || statusCode < 200 || request.CSeq is not { } cseq)
        {
            return;
        }

        var isCreating = Role == SipDialogRole.Uas && cseq.Number == CreatingSequence && request.IsMethod(CreatingMethod);
        var isInvite = request.IsMethod(SipMethods.Invite);
        if (isInvite && _incomingInvite == cseq.Number)
        {
            _incomingInvite = null;
        }

        if (statusCode >= 300)
        {
            if (isCreating && State == SipDialogState.Early)
            {
                Terminate();
            }

            return;
        }

        if (isCreating)
        {
            State = SipDialogState.Confirmed;
        }
        else if (IsTargetRefresh(request.Method) && request.Contacts is [{ Uri: { IsSip: true } contact }])
        {
            RemoteTarget = contact;
        }

        if (isInvite)
        {
            _awaitingAck = cseq.Number;
        }
    }
}
