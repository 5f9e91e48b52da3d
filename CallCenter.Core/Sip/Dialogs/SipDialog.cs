using System.Diagnostics.CodeAnalysis;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// The dialog state of RFC 3261 §12: identity, the parties with their tags, the remote target,
// the route set, both sequence numbers and the secure flag, plus the INVITE bookkeeping §14 needs
// (which INVITE is in progress in each direction, which 2xx still awaits its ACK).
//
// Pure protocol state: built from parsed messages, it hands out message builders and never sends
// anything. Not thread-safe and needs no locks: the call that owns it touches it only from its
// own serial loop (STYLE §4). Only SipDialogTable, which maps incoming messages to owners, is
// shared between threads.
//
// Split by aspect: creation here, SipDialog.Requests.cs for what this side sends,
// SipDialog.Incoming.cs for requests the peer sends, SipDialog.Responses.cs for responses to
// requests this side sent.
public sealed partial class SipDialog
{
    private uint? _outgoingInvite;
    private uint? _incomingInvite;
    private uint? _awaitingAck;

    private SipDialog(
        SipDialogId id,
        SipDialogRole role,
        SipCSeq creatingCSeq,
        SipNameAddress localParty,
        SipNameAddress remoteParty,
        SipUri remoteTarget,
        SipUri[] routeSet,
        bool isSecure)
    {
        Id = id;
        Role = role;
        CreatingMethod = creatingCSeq.Method;
        CreatingSequence = creatingCSeq.Number;
        LocalParty = localParty;
        RemoteParty = remoteParty;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        IsSecure = isSecure;
    }

    public SipDialogId Id { get; }

    public SipDialogRole Role { get; }

    public SipDialogState State { get; private set; }

    // The method and CSeq number of the request that created the dialog: responses carrying
    // them (on the UAC side) can still confirm or end an early dialog.
    public string CreatingMethod { get; }

    public uint CreatingSequence { get; }

    // The local and remote URIs of §12 written as the From and To this side puts on its
    // requests, tags included: for a UAS the request's To with our tag and its From; for a UAC
    // the From it sent and the To of the response.
    public SipNameAddress LocalParty { get; }

    public SipNameAddress RemoteParty { get; }

    public SipUri LocalUri => LocalParty.Uri!;

    public SipUri RemoteUri => RemoteParty.Uri!;

    // The peer's Contact: the Request-URI (or, behind a strict router, the last Route) of every
    // request this side sends in the dialog. Changed by target refreshes (§12.2).
    public SipUri RemoteTarget { get; private set; }

    // In the order this side writes them as Route headers; fixed once the dialog is confirmed
    // (§12.2: target refreshes change the remote target, never the route set).
    public IReadOnlyList<SipUri> RouteSet { get; private set; }

    // The CSeq number of the last request this side sent in the dialog; null for a UAS until it
    // sends one (§12.1.1).
    public uint? LocalSequence { get; private set; }

    // The highest CSeq number the peer has used; null for a UAC until the peer sends a request
    // (§12.1.2).
    public uint? RemoteSequence { get; private set; }

    // §12.1.1 / §12.1.2: the dialog-creating request had a SIPS Request-URI and travelled over
    // TLS. The owner must then send every request of the dialog over TLS.
    public bool IsSecure { get; }

    // §14.1: no new INVITE may start while one is in progress in either direction.
    public bool IsInviteInProgress => _outgoingInvite is not null || _incomingInvite is not null;

    // §13.3.1.4: this side sent a 2xx to an INVITE and has not seen its ACK. The callee must not
    // send BYE before the ACK comes or the 2xx retransmissions time out (§15).
    public bool IsAwaitingAck => _awaitingAck is not null;

    // UAS side, §12.1.1. `request` is the dialog-creating request as received (INVITE; SUBSCRIBE
    // and REFER follow the same rules), `localTag` the To-tag of the response being sent and
    // `status` its code: 101-199 makes an early dialog, 2xx a confirmed one. `overTls` says
    // whether the request arrived over TLS. A false return gives the reason the request cannot
    // carry a dialog; the TU answers it with 400.
    public static bool TryCreateUas(
        SipRequest request,
        string localTag,
        int status,
        bool overTls,
        [NotNullWhen(true)] out SipDialog? dialog,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(localTag);
        CheckCreatingStatus(status);
        CheckCreatingMethod(request.Method);
        dialog = null;
        if (!TryGetIdentity(request, out var callId, out var from, out var to, out var cseq, out reason))
        {
            return false;
        }

        if (to.Tag is not null)
        {
            reason = "the request already has a To-tag: it belongs to an existing dialog";
            return false;
        }

        // §8.1.1.8: a dialog-creating request must carry exactly one SIP or SIPS Contact, and a
        // SIPS one when the Request-URI (or the top Route) is SIPS.
        if (request.Contacts is not [{ Uri: { IsSip: true } contact }])
        {
            reason = request.Contacts.Count == 0 ? "no Contact in a dialog-creating request" : "the Contact must be one SIP or SIPS URI";
            return false;
        }

        var sipsRequired = request.RequestUri.IsSecure || (request.Routes.Count > 0 && request.Routes[0].Uri is { IsSecure: true });
        if (sipsRequired && !contact.IsSecure)
        {
            reason = "a SIPS request must have a SIPS Contact";
            return false;
        }

        if (!TryGetRouteSet(request.RecordRoutes, reverse: false, out var routeSet, out reason))
        {
            return false;
        }

        var id = new SipDialogId(callId, localTag, from.Tag ?? string.Empty);
        dialog = new SipDialog(id, SipDialogRole.Uas, cseq, to.WithParameter("tag", localTag), from, contact, routeSet, overTls && request.RequestUri.IsSecure)
        {
            State = status < 200 ? SipDialogState.Early : SipDialogState.Confirmed,
            RemoteSequence = cseq.Number,
        };
        if (request.IsMethod(SipMethods.Invite))
        {
            // The INVITE stays in progress until its final response goes out (OnResponseSent);
            // a 2xx now means the ACK is what we wait for.
            if (status < 200)
            {
                dialog._incomingInvite = cseq.Number;
            }
            else
            {
                dialog._awaitingAck = cseq.Number;
            }
        }

        return true;
    }

    // The same from the response the UAS built (its To-tag and status).
    public static bool TryCreateUas(
        SipRequest request,
        SipResponse response,
        bool overTls,
        [NotNullWhen(true)] out SipDialog? dialog,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.To?.Tag is not { Length: > 0 } tag)
        {
            throw new ArgumentException("A dialog-creating response carries a To-tag (§12.1).", nameof(response));
        }

        return TryCreateUas(request, tag, response.StatusCode, overTls, out dialog, out reason);
    }

    // UAC side, from a 2xx alone: for a 2xx that arrives after the INVITE it answers was let go
    // (an INVITE client transaction lingering in RFC 6026's Accepted state keeps only its key, not
    // the INVITE). The 2xx's Call-ID, From (with this side's tag) and CSeq are copies of the
    // INVITE's (§8.2.6.2), its To-tag, Contact (which a 2xx must carry, §13.3.1.4) and
    // Record-Route give the rest (§12.1.2). Enough to ACK such a 2xx and to end its dialog.
    public static bool TryCreateUacFromAnswer(
        SipResponse response,
        [NotNullWhen(true)] out SipDialog? dialog,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(response);
        dialog = null;
        if (!TryGetIdentity(response, out var callId, out var from, out var to, out var cseq, out reason))
        {
            return false;
        }

        if (!response.IsSuccess || !cseq.Method.Equals(SipMethods.Invite, StringComparison.Ordinal))
        {
            reason = "only a 2xx to an INVITE makes a dialog from the response alone";
            return false;
        }

        if (from.Tag is not { Length: > 0 } localTag || to.Tag is not { Length: > 0 } remoteTag)
        {
            reason = from.Tag is not { Length: > 0 } ? "the response has no From-tag" : "the response has no To-tag";
            return false;
        }

        if (response.Contacts is not [{ Uri: { IsSip: true } target }])
        {
            reason = "a 2xx must carry one SIP or SIPS Contact";
            return false;
        }

        if (!TryGetRouteSet(response.RecordRoutes, reverse: true, out var routeSet, out reason))
        {
            return false;
        }

        dialog = new SipDialog(new SipDialogId(callId, localTag, remoteTag), SipDialogRole.Uac, cseq, from, to, target, routeSet, false)
        {
            State = SipDialogState.Confirmed,
            LocalSequence = cseq.Number,
        };
        return true;
    }

    // UAC side, §12.1.2: `request` is the dialog-creating request as this side sent it and
    // `response` a 101-299 response with a To-tag received for it. Each distinct To-tag is a
    // separate dialog (a forking proxy, §12.1.2 and §13.2.2.4): the owner looks the response up
    // in its table first and calls this only for a tag it has not seen. `overTls` says whether the
    // request was sent over TLS. A false return gives the reason the response cannot make a
    // dialog; it is wire input, so the owner logs and ignores it (or ACKs and BYEs a 2xx).
    public static bool TryCreateUac(
        SipRequest request,
        SipResponse response,
        bool overTls,
        [NotNullWhen(true)] out SipDialog? dialog,
        [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        CheckCreatingMethod(request.Method);
        dialog = null;
        if (!TryGetIdentity(request, out var callId, out var from, out _, out var cseq, out reason))
        {
            return false;
        }

        if (from.Tag is not { Length: > 0 } localTag)
        {
            throw new ArgumentException("A request this side sends carries a From-tag (§8.1.1.3).", nameof(request));
        }

        if (response.StatusCode is < 101 or > 299)
        {
            reason = "a " + response.StatusCode + " response creates no dialog";
            return false;
        }

        if (response.To is not { Tag: { Length: > 0 } } remoteParty)
        {
            reason = "the response has no To-tag";
            return false;
        }

        if (!string.Equals(response.CallId, callId, StringComparison.Ordinal)
            || !string.Equals(response.From?.Tag, localTag, StringComparison.OrdinalIgnoreCase)
            || response.CSeq != cseq)
        {
            reason = "the response does not answer this request";
            return false;
        }

        if (!TryGetResponseTarget(response, request.RequestUri, out var target, out reason)
            || !TryGetRouteSet(response.RecordRoutes, reverse: true, out var routeSet, out reason))
        {
            return false;
        }

        var id = new SipDialogId(callId, localTag, remoteParty.Tag);
        dialog = new SipDialog(id, SipDialogRole.Uac, cseq, from, remoteParty, target, routeSet, overTls && request.RequestUri.IsSecure)
        {
            State = response.IsSuccess ? SipDialogState.Confirmed : SipDialogState.Early,
            LocalSequence = cseq.Number,
        };
        if (request.IsMethod(SipMethods.Invite) && !response.IsSuccess)
        {
            dialog._outgoingInvite = cseq.Number;
        }

        return true;
    }

    // Ends the dialog at the owner's word: the INVITE client transaction ended leaving this early
    // dialog without a final response (a forking proxy sent a 2xx from another branch and
    // cancelled this one, §13.2.2.4), a request in the dialog timed out (§12.2.1.2), or a BYE
    // was sent and the owner considers the session over (§15.1.1).
    public void Terminate()
    {
        State = SipDialogState.Terminated;
        _outgoingInvite = null;
        _incomingInvite = null;
        _awaitingAck = null;
    }

    // The methods whose 2xx replaces the remote target with the Contact (§12.2: re-INVITE;
    // RFC 3311: UPDATE; RFC 6665 makes SUBSCRIBE and NOTIFY target refreshes too).
    public static bool IsTargetRefresh(string method) =>
        method is SipMethods.Invite or SipMethods.Update or SipMethods.Subscribe or SipMethods.Notify;

    private static void CheckCreatingStatus(int status)
    {
        // §12.1: only 101-199 responses with a To-tag and 2xx responses create dialogs.
        if (status is < 101 or > 299)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Only 101-299 responses create a dialog (§12.1).");
        }
    }

    private static void CheckCreatingMethod(string method)
    {
        if (method is not (SipMethods.Invite or SipMethods.Subscribe or SipMethods.Refer))
        {
            throw new ArgumentException("A " + method + " request creates no dialog.", nameof(method));
        }
    }

    private static bool TryGetIdentity(
        SipMessage request,
        [NotNullWhen(true)] out string? callId,
        [NotNullWhen(true)] out SipNameAddress? from,
        [NotNullWhen(true)] out SipNameAddress? to,
        out SipCSeq cseq,
        [NotNullWhen(false)] out string? reason)
    {
        callId = request.CallId;
        from = request.From;
        to = request.To;
        cseq = request.CSeq ?? default;
        reason = callId is not { Length: > 0 } ? "no Call-ID"
            : from?.Uri is null ? "no From"
            : to?.Uri is null ? "no To"
            : request.CSeq is null ? "no CSeq"
            : null;
        return reason is null;
    }

    // §12.1.2 wants the response's Contact as the remote target. A 2xx or reliable 1xx must carry
    // one (§12.1.1), but some UAs omit it from a 180; rather than refuse the early dialog (and
    // with it the 2xx that usually follows with a Contact), the Request-URI stands in until a
    // response with a Contact arrives. A Contact that is not a SIP or SIPS URI is refused: no
    // request could be routed to it.
    private static bool TryGetResponseTarget(SipResponse response, SipUri fallback, [NotNullWhen(true)] out SipUri? target, [NotNullWhen(false)] out string? reason)
    {
        switch (response.Contacts)
        {
            case []:
                target = fallback;
                reason = null;
                return true;
            case [{ Uri: { IsSip: true } contact }]:
                target = contact;
                reason = null;
                return true;
            default:
                target = null;
                reason = "the Contact must be one SIP or SIPS URI";
                return false;
        }
    }

    // §12.1.1: the UAS keeps the request's Record-Route URIs in order; §12.1.2: the UAC keeps the
    // response's in reverse, so that both write the proxy nearest to them first. All URI
    // parameters are kept (the "lr" of each decides loose or strict routing later).
    private static bool TryGetRouteSet(IReadOnlyList<SipNameAddress> recordRoutes, bool reverse, [NotNullWhen(true)] out SipUri[]? routeSet, [NotNullWhen(false)] out string? reason)
    {
        routeSet = new SipUri[recordRoutes.Count];
        for (var i = 0; i < recordRoutes.Count; i++)
        {
            if (recordRoutes[i].Uri is not { IsSip: true } uri)
            {
                routeSet = null;
                reason = "a Record-Route entry is not a SIP or SIPS URI";
                return false;
            }

            routeSet[reverse ? recordRoutes.Count - 1 - i : i] = uri;
        }

        reason = null;
        return true;
    }
}
