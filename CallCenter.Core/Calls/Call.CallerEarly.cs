using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;

namespace CallCenter.Core.Calls;

// Leg A's early dialog (§12.1.1): from our first 1xx with A's To-tag until the 200 confirms it (AnswerCaller) or a
// failure ends the call. Requests the caller sends in it are answered here, by the server alone: nothing in them
// concerns the callee yet. Runs on the call's context.
internal sealed partial class Call
{
    private SipDialog? _aEarly;

    /// <summary>Makes A's early dialog with the first 1xx that carries A's To-tag. It is in the dialog table before
    /// that 1xx leaves, as the confirmed one is before the 200, so that a request the caller sends on receipt
    /// (an UPDATE, RFC 3311; a BYE, §15) finds the call instead of a 481.</summary>
    private void OpenCallerEarlyDialog(int status)
    {
        if (_aEarly is not null || _aDialog is not null || status is < 101 or >= 200)
        {
            return;
        }

        // A request that cannot carry a dialog fails again at the 200 (400, AnswerCaller); until then the caller
        // simply has no early dialog.
        if (SipDialog.TryCreateUas(InboundRequest, _aTag, status, _aFlow.Transport == SipTransport.Tls, out var dialog, out _))
        {
            _aEarly = dialog;
            _manager.Dialogs.TryAdd(dialog.Id, this);
        }
    }

    /// <summary>True when <paramref name="transaction"/> is a request in A's early dialog, now answered.</summary>
    private bool TryHandleCallerEarlyRequest(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        if (_aEarly is not { } early || _state is not (CallState.Routing or CallState.Ringing)
            || !SipDialogId.TryFromRequest(request, out var id) || id != early.Id)
        {
            return false;
        }

        if (early.OnRequest(request) is { } rejected)
        {
            CallManager.Respond(transaction, rejected.AddRetryAfter(transaction.CreateResponse(rejected.StatusCode, rejected.ReasonPhrase)));
            return true;
        }

        switch (request.Method)
        {
            case SipMethods.Bye:
                // §15: a caller may end an early dialog with BYE; §15.1.2 asks the pending INVITE to end with 487.
                // For the callee's leg it is a CANCEL, as in OnCallerCancel.
                CallManager.Respond(transaction, transaction.CreateResponse(200));
                early.OnResponseSent(request, 200);
                _bFork?.CancelAll();
                FailCaller(487, "caller hung up before the answer");
                break;

            case SipMethods.Update when request.Body.IsEmpty:
                // RFC 3311 §5.2: an UPDATE without an offer refreshes the target (OnResponseSent applies its
                // Contact, which the confirmed dialog inherits); the 2xx carries our Contact.
                CallManager.Respond(transaction, transaction.CreateResponse(200).AddHeader("Contact", ContactFor(_aFlow)));
                early.OnResponseSent(request, 200);
                break;

            case SipMethods.Update:
                // Answered here, not relayed to the callee's early dialog: the relay makes each leg's offer/answer
                // its own, and B has nothing to renegotiate for A. Nor answered with the SDP already given: A's
                // INVITE offer is still unanswered in the offer/answer sense, since we send no reliable 1xx (no
                // 100rel; a 183's SDP is a preview, the answer is the 200's), and RFC 3311 §5.2 refuses a new offer
                // while one received is unanswered with 500 and a random Retry-After of 0-10 s. A caller that
                // retries after the 200 is answered by OnUpdate in the confirmed dialog. (A conforming caller never
                // sends this offer: §5.1 allows it only after a reliable answer.)
                var pending = transaction.CreateResponse(500)
                    .AddHeader("Retry-After", Random.Shared.Next(0, 11).ToString(CultureInfo.InvariantCulture));
                CallManager.Respond(transaction, pending);
                early.OnResponseSent(request, 500);
                break;

            case SipMethods.Options or SipMethods.Info or SipMethods.Notify:
                CallManager.Respond(transaction, transaction.CreateResponse(200));
                early.OnResponseSent(request, 200);
                break;

            default:
                // REFER, PRACK (we sent no reliable 1xx to acknowledge) and the rest have no meaning before the
                // answer: the same clean refusal as in a confirmed call.
                CallManager.Respond(transaction, transaction.CreateResponse(501));
                early.OnResponseSent(request, 501);
                break;
        }

        return true;
    }
}
