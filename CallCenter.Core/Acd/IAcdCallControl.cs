using CallCenter.Core.Configuration;

namespace CallCenter.Core.Acd;

/// <summary>
/// The port through which the ACD drives calls; the call layer implements it (STYLE.md §3: the ACD issues commands
/// and never touches SIP). Every method is called on the ACD's serial context and must return at once: an
/// implementation posts the command to the call's own mailbox. Outcomes come back as messages to the dispatcher
/// (<see cref="AcdDispatcher"/>), naming the offer or the caller.
/// </summary>
public interface IAcdCallControl
{
    /// <summary>Ring the agent's extension for the caller. Report <c>OfferAnswered</c> or <c>OfferFailed</c>; do not
    /// bridge on answer, wait for <see cref="Connect"/> (the caller may have gone meanwhile).</summary>
    void OfferToAgent(AcdOffer offer);

    /// <summary>Stop ringing that offer at once; if the agent's phone answered meanwhile, hang that leg up.
    /// Idempotent.</summary>
    void CancelOffer(long offerId, string callerId, string agentId);

    /// <summary>The agent answered and the caller is still there: bridge them.</summary>
    void Connect(long offerId, string callerId, string agentId);

    /// <summary>Virtual hold: call the caller back at <paramref name="number"/> now; report <c>CallbackAnswered</c>
    /// or <c>CallbackFailed</c>. The agent is offered only after the caller answered.</summary>
    void CallBack(string callerId, string number);

    /// <summary>Play something to a waiting caller.</summary>
    void Announce(string callerId, AcdAnnouncement announcement);

    /// <summary>The caller leaves this queue for <paramref name="target"/>. For a queue target the ACD has already
    /// moved it (the call layer may change the music class); for the others the call layer carries it out.</summary>
    void Overflow(string callerId, string fromQueue, OverflowTarget target);

    /// <summary>The caller is no longer queued and was not connected; the call layer continues its dial plan.</summary>
    void Exit(string callerId, string queue, QueueExitReason reason);
}
