using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// Responses to requests this side sent: the dialog-creating request (UAC side) and any request
// sent through CreateRequest. The owner passes each response its client transactions deliver.
public sealed partial class SipDialog
{
    // Applies a response and returns true when it concerned this dialog. For the dialog-creating
    // request (UAC side):
    //   1xx with this dialog's To-tag: nothing changes (the dialog is already early);
    //   2xx with this dialog's To-tag: an early dialog is confirmed, its route set recomputed from
    //     the 2xx's Record-Route (§13.2.2.4) and its remote target taken from the 2xx's Contact;
    //     a retransmitted 2xx changes nothing (the owner ACKs it again);
    //   300-699, whatever its To-tag: §12.3 ends every early dialog the request created, so the
    //     owner may hand the final response to each of them.
    // A 2xx with another To-tag belongs to another dialog (forking) and returns false.
    // For a request sent inside the dialog:
    //   481 or 408 ends the dialog (§12.2.1.2);
    //   a 2xx to a target refresh with a Contact replaces the remote target (§12.2.1.2);
    //   a final response to BYE ends the dialog (§15.1.1);
    //   a final response to an INVITE ends that INVITE's progress (§14.1).
    // A timeout reported by the client transaction is not a response: the owner calls
    // Terminate, which is what §12.2.1.2 asks for a 408.
    public bool OnResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (State == SipDialogState.Terminated
            || response.CSeq is not { } cseq
            || !string.Equals(response.CallId, Id.CallId, StringComparison.Ordinal)
            || !string.Equals(response.From?.Tag ?? string.Empty, Id.LocalTag, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var status = response.StatusCode;
        var isCreating = Role == SipDialogRole.Uac && cseq.Number == CreatingSequence
            && string.Equals(cseq.Method, CreatingMethod, StringComparison.Ordinal);
        var sameTag = string.Equals(response.To?.Tag ?? string.Empty, Id.RemoteTag, StringComparison.OrdinalIgnoreCase);
        if (isCreating)
        {
            return OnCreatingResponse(response, status, sameTag);
        }

        if (!sameTag)
        {
            return false;
        }

        if (status < 200)
        {
            return true;
        }

        if (cseq.Method == SipMethods.Invite && _outgoingInvite == cseq.Number)
        {
            _outgoingInvite = null;
        }

        if (status is 481 or 408 || cseq.Method == SipMethods.Bye)
        {
            Terminate();
            return true;
        }

        if (response.IsSuccess && IsTargetRefresh(cseq.Method) && response.Contacts is [{ Uri: { IsSip: true } contact }])
        {
            RemoteTarget = contact;
        }

        return true;
    }

    private bool OnCreatingResponse(SipResponse response, int status, bool sameTag)
    {
        if (status >= 300)
        {
            if (State != SipDialogState.Early)
            {
                return false;
            }

            Terminate();
            return true;
        }

        if (!sameTag)
        {
            return false;
        }

        if (status < 200 || State != SipDialogState.Early)
        {
            return true;
        }

        // §13.2.2.4: the 2xx confirms the early dialog and its Record-Route, not the 1xx's,
        // gives the route set (a proxy may record-route only once it sees the 2xx).
        State = SipDialogState.Confirmed;
        _outgoingInvite = null;
        if (TryGetRouteSet(response.RecordRoutes, reverse: true, out var routeSet, out _))
        {
            RouteSet = routeSet;
        }

        if (response.Contacts is [{ Uri: { IsSip: true } contact }])
        {
            RemoteTarget = contact;
        }

        return true;
    }
}
