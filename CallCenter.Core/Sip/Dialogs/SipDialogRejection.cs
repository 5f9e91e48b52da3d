using System.Globalization;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Dialogs;

// What the transaction user answers when the dialog layer refuses a request: the status, its
// reason phrase, and a Retry-After in seconds when the RFC asks for one (§14.2). Data only: the TU
// builds the response through its server transaction (CreateResponse stamps the Via) and adds
// the Retry-After line with AddRetryAfter.
public readonly record struct SipDialogRejection(int StatusCode, string ReasonPhrase, int? RetryAfterSeconds = null)
{
    // §12.2.2: a request with a To-tag that matches no dialog. This is also right for a dialog
    // the server lost when it restarted: §12.2.2 lets a UAS accept such a request only when it
    // can recover the dialog from its tag, and we keep no dialog state across restarts.
    public static SipDialogRejection DoesNotExist { get; } = new(481, SipStatusCodes.GetReasonPhrase(481));

    // §12.2.2: a CSeq below the remote sequence number is out of order.
    public static SipDialogRejection OutOfOrder { get; } = new(500, SipStatusCodes.GetReasonPhrase(500));

    // §14.2: an INVITE arrived while our own INVITE on this dialog is in progress (glare).
    public static SipDialogRejection RequestPending { get; } = new(491, SipStatusCodes.GetReasonPhrase(491));

    // §14.2: an INVITE arrived while the peer's previous INVITE still has no final response;
    // the Retry-After is chosen at random between 0 and 10 seconds.
    public static SipDialogRejection InviteInProgress(int retryAfterSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retryAfterSeconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(retryAfterSeconds, 10);
        return new SipDialogRejection(500, SipStatusCodes.GetReasonPhrase(500), retryAfterSeconds);
    }

    // The answer for a request that the dialog table could not match: 481 when it carries a
    // To-tag (it claims a dialog we do not have), null when it has none (it is a request outside
    // any dialog and goes to the TU's normal handling) or when it is an ACK: no response is ever
    // sent to an ACK, so one that matches no dialog is dropped.
    public static SipDialogRejection? ForUnmatched(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.IsMethod(SipMethods.Ack) || request.To?.Tag is not { Length: > 0 })
        {
            return null;
        }

        return DoesNotExist;
    }

    public SipMessageBuilder AddRetryAfter(SipMessageBuilder response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (RetryAfterSeconds is { } seconds)
        {
            response.SetHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }
}
