namespace CallCenter.Core.Calls;

/// <summary>
/// What the call layer tells the ACD about queue calls. The ACD sits above the call layer (STYLE.md §2: it drives
/// calls through its own port, IAcdCallControl, and the call layer never names it), so the call layer reports
/// through this interface and the ACD's adapter implements it. The reports are facts of the call (a hang-up, an
/// agent's phone's final SIP status); what they mean for queue policy is the ACD's to decide.
/// <para>Threading: called on the reporting call's context; an implementation posts and returns at once. False:
/// the ACD refused the report (its mailbox is full).</para>
/// </summary>
public interface IQueueCallEvents
{
    /// <summary>A caller dialled a queue and was answered by the server.</summary>
    /// <param name="callerId">The call's unique id; every command of the ACD about this caller names it.</param>
    /// <param name="callbackNumber">Where the caller can be called back if it chooses virtual hold: its own
    /// extension.</param>
    bool Join(string callerId, string queue, string callbackNumber);

    /// <summary>The caller's leg ended (BYE, media timeout, shutdown): an abandon while waiting, the end of the
    /// call once connected.</summary>
    /// <param name="hold">How long either party held the other since the agent was connected.</param>
    bool CallerHungUp(string callerId, TimeSpan hold);

    /// <summary>The connected agent's leg ended first.</summary>
    bool AgentHungUp(string callerId, TimeSpan hold);

    /// <summary>A key the waiting caller pressed (RFC 4733 or SIP INFO).</summary>
    bool CallerPressed(string callerId, char digit);

    /// <summary>The server's callback to a caller on virtual hold was answered: the call named
    /// <paramref name="callerId"/> is a waiting queue call again.</summary>
    bool CallbackAnswered(string callerId);

    /// <summary>The callback was not answered (refused, rung out, no phone registered, the server stopping).</summary>
    bool CallbackFailed(string callerId);

    /// <summary>An agent's phone answered an offer (and was acknowledged); it waits for the ACD's connect.</summary>
    bool OfferAnswered(long offerId);

    /// <summary>An offer ended without an answer.</summary>
    /// <param name="status">The final status of the agent's phones (CalleeFork.ChooseFinal), 408 for our own ring
    /// timeout, or 0 when no phone responded at all or none is registered.</param>
    bool OfferFailed(long offerId, int status);
}
