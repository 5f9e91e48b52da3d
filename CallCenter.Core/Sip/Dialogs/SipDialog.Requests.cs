using System.Globalization;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// Requests this side sends inside the dialog (§12.2.1.1). Each builder has the Request-URI,
// Route, Max-Forwards, From, To, Call-ID and CSeq lines; the owner adds Via (AddHeaderFirst or
// PushVia puts it on top), Contact, authentication and the body, then hands it to a client
// transaction. Runs on the owning call's loop like the rest of the dialog.
public sealed partial class SipDialog
{
    private const string MaxForwards = "70";

    // A new request in the dialog with CSeq = local sequence + 1 (an initial number chosen per
    // §8.1.1.5 when a UAS sends its first request). Creating it counts as sending it: the local
    // sequence advances, and an INVITE counts as in progress until OnResponse sees its final
    // response. ACK and CANCEL reuse the INVITE's number and go through CreateAck / CreateCancel.
    public SipMessageBuilder CreateRequest(string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (method is SipMethods.Ack or SipMethods.Cancel)
        {
            throw new ArgumentException(method + " takes the INVITE's CSeq number: use CreateAck or CreateCancel.", nameof(method));
        }

        if (State == SipDialogState.Terminated)
        {
            throw new InvalidOperationException("The dialog " + Id + " is terminated.");
        }

        if (method == SipMethods.Invite && IsInviteInProgress)
        {
            throw new InvalidOperationException("§14.1: an INVITE is already in progress on " + Id + ".");
        }

        if (method == SipMethods.Bye && Role == SipDialogRole.Uas && State == SipDialogState.Early)
        {
            // §15: the callee ends an early dialog with a final response to the INVITE, not a BYE.
            throw new InvalidOperationException("§15: the callee must not send BYE on an early dialog; answer the INVITE instead.");
        }

        var number = LocalSequence is { } last ? last + 1 : NewInitialSequence();
        LocalSequence = number;
        if (method == SipMethods.Invite)
        {
            _outgoingInvite = number;
        }

        return Build(method, number);
    }

    // §13.2.2.4: the ACK for a 2xx is built like any request in the dialog except that its CSeq
    // number is the INVITE's (`inviteSequence`: CreatingSequence for the initial INVITE, the
    // re-INVITE's number otherwise) and it does not advance the local sequence. The owner copies
    // the INVITE's Authorization / Proxy-Authorization lines, as §13.2.2.4 asks. Allowed in any
    // state: a 2xx must be ACKed even on a dialog the owner is about to end with BYE.
    public SipMessageBuilder CreateAck(uint inviteSequence) => Build(SipMethods.Ack, inviteSequence);

    // §9.1: a CANCEL repeats the Request-URI, Call-ID, From, To, CSeq number and Route lines of
    // the request it cancels (tags included) and has exactly one Via, the request's top one. It
    // belongs to the INVITE transaction rather than to a dialog (an initial INVITE may have many
    // early dialogs, or none yet), so it is built from the INVITE itself.
    public static SipMessageBuilder CreateCancel(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (!invite.IsMethod(SipMethods.Invite) || invite.CSeq is not { } cseq || invite.TopVia is not { } via)
        {
            throw new ArgumentException("Only an INVITE with a CSeq and a Via can be cancelled (§9.1).", nameof(invite));
        }

        var cancel = SipMessageBuilder.ForRequest(SipMethods.Cancel, invite.RequestUri)
            .AddHeader("Via", via.ToString());
        foreach (var route in invite.Routes)
        {
            cancel.AddHeader("Route", route.ToString());
        }

        return cancel
            .AddHeader("Max-Forwards", MaxForwards)
            .AddHeader("From", invite.From!.ToString())
            .AddHeader("To", invite.To!.ToString())
            .AddHeader("Call-ID", invite.CallId!)
            .AddHeader("CSeq", new SipCSeq(cseq.Number, SipMethods.Cancel).ToString());
    }

    // §8.1.1.5: a UA picks its first CSeq number at random below 2^31, which leaves room for
    // any number of increments in a 32-bit field.
    private static uint NewInitialSequence() => (uint)Random.Shared.Next(1, int.MaxValue);

    private SipMessageBuilder Build(string method, uint number)
    {
        var (requestUri, routes) = ComputeRouting();
        var builder = SipMessageBuilder.ForRequest(method, requestUri);
        foreach (var route in routes)
        {
            builder.AddHeader("Route", "<" + route + ">");
        }

        return builder
            .AddHeader("Max-Forwards", MaxForwards)
            .AddHeader("From", LocalParty.ToString())
            .AddHeader("To", RemoteParty.ToString())
            .AddHeader("Call-ID", Id.CallId)
            .AddHeader("CSeq", number.ToString(CultureInfo.InvariantCulture) + " " + method);
    }

    // §12.2.1.1. With no route set the request goes straight to the remote target. When the first
    // route is a loose router (";lr") the Request-URI is the remote target and the route set is
    // written as it stands. Otherwise the first route is a strict (RFC 2543) router, which
    // forwards by Request-URI: it becomes the Request-URI, stripped of what a Request-URI may
    // not hold, and the remote target goes last in the Route list so that the router chain can
    // restore it.
    private (SipUri RequestUri, IEnumerable<SipUri> Routes) ComputeRouting()
    {
        if (RouteSet.Count == 0)
        {
            return (RemoteTarget, []);
        }

        var first = RouteSet[0];
        if (first.IsLooseRouter)
        {
            return (RemoteTarget, RouteSet);
        }

        return (AsRequestUri(first), RouteSet.Skip(1).Append(RemoteTarget));
    }

    // §19.1.1's table: the "method" parameter and the ?headers component are not allowed in a
    // Request-URI. Everything else (maddr, transport, lr, user, ...) stays.
    private static SipUri AsRequestUri(SipUri uri)
    {
        if (uri.Headers.Count == 0 && uri.GetParameter("method") is null)
        {
            return uri;
        }

        var parameters = uri.Parameters.Where(p => !string.Equals(p.Name, "method", StringComparison.OrdinalIgnoreCase));
        return SipUri.Create(uri.Scheme, uri.User, uri.Host, uri.Port, parameters);
    }
}
