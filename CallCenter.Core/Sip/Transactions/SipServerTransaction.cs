using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transport;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// A server transaction as its transaction user sees it (RFC 3261 §17.2): the request, the flow it came in on, and
/// the one way to answer. The state machine behind it (INVITE or non-INVITE) retransmits, absorbs and times out.
/// </summary>
public abstract class SipServerTransaction
{
    public abstract SipRequest Request { get; }

    public abstract SipFlow Flow { get; }

    public bool IsInvite => Request.IsMethod(SipMethods.Invite);

    /// <summary>When the request's bytes reached the transaction layer (a timestamp of its TimeProvider; 0 when
    /// unknown). The time from there to the TU's first look is the backlog it waited behind: the call layer sheds
    /// new calls when that wait shows it cannot keep up (see CallsOptions.ShedAfter).</summary>
    public long ReceivedAt { get; internal set; }

    /// <summary>Work items waiting in the transaction layer's queue behind this request now: with
    /// <see cref="ReceivedAt"/>, what tells a backlog (many waiting) from one slow item (the JIT compiling the
    /// first call's path on a fresh server).</summary>
    public virtual int Backlog => 0;

    /// <summary>True once a final response has been handed to <see cref="Respond"/>, or the transaction was
    /// <see cref="Discard"/>ed: either way its end is decided.</summary>
    public abstract bool HasFinalResponse { get; }

    /// <summary>
    /// Sends a response through the state machine (provisional or final; a second final response is ignored and
    /// logged). Thread-safe: it may be called from any context, such as a call's own loop.
    /// </summary>
    public abstract void Respond(SipMessageBuilder response);

    /// <summary>
    /// Ends the transaction with no answer at all, for a source the server has decided to stop answering (the
    /// fail2ban's throttle). Retransmissions of the request are absorbed in silence until the client has given up
    /// (64·T1), so the silence costs the peer a full timeout. Ignored after a final response. Thread-safe.
    /// </summary>
    public abstract void Discard();

    /// <summary>
    /// For an INVITE answered 2xx: the TU has the ACK for its 2xx (§13.3.1.4; that ACK is the dialog's, and with its
    /// own branch it never reaches the transaction). The client has the 2xx, so it has stopped retransmitting the
    /// INVITE; the Accepted state (RFC 6026 Timer L) keeps only what absorbing a late copy needs. Thread-safe; does
    /// nothing in any other case. The default does nothing (transactions with no Accepted state).
    /// </summary>
    public virtual void AckReceived()
    {
    }

    /// <summary>
    /// Starts a response to this request (§8.2.6): Via, From, To, Call-ID and CSeq copied, the top Via stamped with
    /// received/rport from the flow (RFC 3581), and a To-tag added when the request has none and the status is
    /// above 100 (§8.2.6.2). Pass <paramref name="toTag"/> to keep the tag of a dialog the response belongs to.
    /// </summary>
    public SipMessageBuilder CreateResponse(int status, string? reason = null, string? toTag = null)
    {
        var needsTag = status > 100 && Request.To?.Tag is null;
        var response = SipMessageBuilder.ForResponse(Request, status, reason, needsTag ? toTag ?? NewTag() : null);
        if (Request.TopVia is { } via)
        {
            response.ReplaceTopVia(SipViaStamp.Stamp(via, Flow.Remote));
        }

        return response;
    }

    /// <summary>§19.3: a tag carries at least 32 bits of randomness.</summary>
    public static string NewTag()
    {
        Span<byte> random = stackalloc byte[8];
        SipRandom.Fill(random);
        return Convert.ToHexStringLower(random);
    }
}
