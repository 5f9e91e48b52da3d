using CallCenter.Core.Sdp;
using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// Attended transfer (RFC 5589 §7): the transferor has call 1 with the transferee and call 2 with the target, both
// through the server, and sends REFER on call 1 with Refer-To: <sip:target?Replaces=call-id;to-tag=..;from-tag=..>
// naming its own dialog of call 2 as it sees it (to-tag: the server's tag, from-tag: its own; RFC 3891 §3 matches
// to-tag against the local tag). A phone would send the transferee an INVITE with Replaces; the server, which
// holds both calls, joins them itself: call 2 hands its target leg over to call 1 (a message between the calls'
// contexts: the leg and its dialog change owner, nothing is shared), call 2 ends with BYE to the transferor, and
// call 1 puts the target's leg in the transferor's place on its relay, re-INVITEs the target towards that relay
// (its media was on call 2's relay, which closes), NOTIFYs 200 and sends the transferor BYE. One relay bridges
// transferee and target; the other is released with call 2.
internal sealed partial class Call
{
    private void OnAttendedRefer(SipServerTransaction transaction, CallLeg transferor, CallLeg transferee, SipUri target)
    {
        var value = target.Headers.First(h => h.Name.Equals("Replaces", StringComparison.OrdinalIgnoreCase)).Value;
        if (!SipReplaces.TryParse(value, out var replaces, out var reason))
        {
            CallLog.BadReplaces(_manager.Logger, UniqueId, reason);
            RespondInDialog(transaction, transferor, 400, null);
            return;
        }

        RespondInDialog(transaction, transferor, 202, null);
        var attempt = new TransferAttempt(this, transferor, transferee, target.User ?? string.Empty, transaction.Request.CSeq!.Value.Number);
        _transfer = attempt;
        CallLog.TransferringAttended(_manager.Logger, UniqueId, transferor.Channel, transferee.Channel, replaces.ToString());
        Forget(NotifyAsync(transferor, attempt.ReferSequence, 100, "Trying", terminated: false));

        var named = new SipDialogId(replaces.CallId, replaces.ToTag, replaces.FromTag);
        if (!_manager.Dialogs.TryGet(named, out var other) || other == this
            || !other.Post(() => other.HandOverForReplaces(named, this, attempt)))
        {
            // §3: no such dialog: the transferor learns it from the sipfrag; the call goes on.
            FailTransfer(attempt, 481, "Call/Transaction Does Not Exist");
        }
    }

    /// <summary>Call 2's context: the transferor's dialog <paramref name="named"/> is replaced. The other leg of this
    /// call (the target) leaves for <paramref name="into"/>; the transferor's leg is sent BYE and this call ends.</summary>
    internal void HandOverForReplaces(SipDialogId named, Call into, TransferAttempt? attempt)
    {
        var replaced = _legA?.Dialog.Id == named ? _legA : _legB?.Dialog.Id == named ? _legB : null;
        if (_state != CallState.Answered || _transfer is not null || replaced is null || Other(replaced) is not { } target
            || target.Dialog.State != SipDialogState.Confirmed)
        {
            into.Post(() => into.OnReplacesRefused(attempt));
            return;
        }

        // The target's leg leaves this call: no timer, no re-INVITE of ours and no table entry may point back here.
        StopGlareTimer(target);
        target.ReInvite = null;
        _manager.Dialogs.TryRemove(target.Dialog.Id, this);
        if (target.Side == MediaLegSide.A)
        {
            _legA = null;
        }
        else
        {
            _legB = null;
        }

        Record(CelEventType.AttendedTransfer, replaced.Channel, "{\"into\":\"" + into.UniqueId + "\",\"target\":\"" + target.Channel + "\"}");
        var replacedIsCaller = replaced.Side == MediaLegSide.A;
        Hangup(HangupParty.System, byeCaller: replacedIsCaller, byeCallee: !replacedIsCaller);
        if (!into.Post(() => into.OnReplacesHandedOver(attempt, target)))
        {
            Forget(SendByeAsync(target.Dialog, target.Target));
        }
    }

    /// <summary>Call 1's context: call 2 refused the replacement (its dialog is not confirmed, or it is itself in a
    /// transfer): 481 in the final NOTIFY, the call goes on.</summary>
    internal void OnReplacesRefused(TransferAttempt? attempt)
    {
        if (attempt is null)
        {
            FailCaller(481, "the dialog to replace is gone");
        }
        else if (_transfer == attempt)
        {
            FailTransfer(attempt, 481, "Call/Transaction Does Not Exist");
        }
    }

    /// <summary>Call 1's context: the target's leg, now ours, takes the transferor's place.</summary>
    internal void OnReplacesHandedOver(TransferAttempt? attempt, CallLeg handed)
    {
        if (attempt is null)
        {
            JoinHandedLeg(handed, CelEventType.BridgeEnter);
            return;
        }

        if (_transfer != attempt || _state != CallState.Answered)
        {
            // The transferee hung up meanwhile: nobody is left for the target.
            Forget(SendByeAsync(handed.Dialog, handed.Target));
            handed.Dialog.Terminate();
            return;
        }

        _transfer = null;
        var transferor = attempt.Transferor;
        var leg = new CallLeg(NewChannel(), handed.Extension, transferor.Side, handed.Dialog, handed.Target, handed.ContactFlow, handed.Local, handed.Version, handed.Selection)
        {
            HoldsSlot = handed.HoldsSlot,
            // Its media went to the other call's relay: a new offer with our address on this relay is owed.
            NeedsNewOffer = true,
            PartyHolds = handed.PartyHolds,
            HoldKind = handed.HoldKind,
            OfferedDirection = handed.OfferedDirection,
        };
        handed.HoldsSlot = false;
        _manager.Dialogs.TryAdd(leg.Dialog.Id, this);
        if (!transferor.Released)
        {
            ReleaseLeg(transferor, bye: false);
        }

        SetLeg(leg);
        if (leg.Selection is { } selection)
        {
            Configure(leg.Side, selection);
        }

        Record(CelEventType.AttendedTransfer, transferor.Channel, TransferExtra(attempt));
        Record(CelEventType.BridgeEnter, leg.Channel, TransferExtra(attempt));
        CallLog.Transferred(_manager.Logger, UniqueId, attempt.Transferee.Channel, leg.Channel);
        if (!attempt.TransferorGone)
        {
            Forget(FinishTransferorAsync(transferor, attempt.ReferSequence));
        }

        // Both parties were probably held by the transferor (and we relayed it): they talk now.
        leg.WantedDirection = SdpDirection.SendRecv;
        SendReInvite(leg);
        attempt.Transferee.WantedDirection = SdpDirection.SendRecv;
        SendReInvite(attempt.Transferee);
    }

    /// <summary>RFC 3891 §3: an INVITE whose Replaces header names a confirmed dialog of one of our calls. Its
    /// sender takes the place of the party of that dialog: the other call hands its other leg over (as for an
    /// attended transfer) and ends with BYE to the replaced party, and this call answers the INVITE and re-INVITEs
    /// the handed leg onto its own relay. An early-only Replaces for a confirmed dialog is 486 (§3); a dialog we do
    /// not know (or an early one: we keep none in the table) is 481.</summary>
    private bool TryStartReplacing()
    {
        var values = InboundRequest.GetHeaderValues("Replaces");
        if (values.Count == 0)
        {
            return false;
        }

        SipReplaces? replaces = null;
        string? reason = "several Replaces headers";
        if (values.Count > 1 || !SipReplaces.TryParse(values[0], out replaces, out reason))
        {
            CallLog.BadReplaces(_manager.Logger, UniqueId, reason ?? "unreadable");
            FailCaller(400, "bad Replaces");
            return true;
        }

        var named = new SipDialogId(replaces!.CallId, replaces.ToTag, replaces.FromTag);
        if (!_manager.Dialogs.TryGet(named, out var other) || other == this)
        {
            FailCaller(481, "Replaces names no dialog of ours");
            return true;
        }

        CallLog.Replacing(_manager.Logger, UniqueId, _caller.Extension, replaces.ToString());
        if (replaces.EarlyOnly)
        {
            FailCaller(486, "early-only Replaces for a confirmed dialog");
            return true;
        }

        if (!TryPrepareCallerMedia())
        {
            return true;
        }

        if (!other.Post(() => other.HandOverForReplaces(named, this, null)))
        {
            FailCaller(481, "the dialog to replace is gone");
        }

        return true;
    }

    /// <summary>The caller's offer read and answered on a relay of this call's own, as <see cref="Start"/> does
    /// before it invites a callee. False when the caller has already had its final answer.</summary>
    private bool TryPrepareCallerMedia()
    {
        if (!TryReadCallerOffer(out var rejection))
        {
            FailCaller(rejection, "caller's SDP");
            return false;
        }

        if (!_manager.Media.TryCreateRelay(this, out var relay, out var error))
        {
            CallLog.NoRelay(_manager.Logger, UniqueId, error.ToString());
            FailCaller(503, "no media ports");
            return false;
        }

        _relay = relay;
        return ConfigureCallerMedia();
    }

    /// <summary>This call's caller is answered and joined with <paramref name="handed"/>, a confirmed leg another
    /// call gave us (INVITE with Replaces, call pickup). The leg goes on relay side B and is re-INVITEd onto it.</summary>
    private void JoinHandedLeg(CallLeg handed, CelEventType how)
    {
        if (_state is not (CallState.Routing or CallState.Ringing) || CallerInvite is not { HasFinalResponse: false })
        {
            Forget(SendByeAsync(handed.Dialog, handed.Target));
            handed.Dialog.Terminate();
            return;
        }

        var leg = new CallLeg(BLegId, handed.Extension, MediaLegSide.B, handed.Dialog, handed.Target, handed.ContactFlow, handed.Local, handed.Version, handed.Selection)
        {
            HoldsSlot = handed.HoldsSlot,
            NeedsNewOffer = true,
            OfferedDirection = handed.OfferedDirection,
        };
        handed.HoldsSlot = false;
        _legB = leg;
        _manager.Dialogs.TryAdd(leg.Dialog.Id, this);
        if (leg.Selection is { } selection)
        {
            Configure(MediaLegSide.B, selection);
        }

        _state = CallState.Answered;
        _manager.Cdr?.Answer(new CallAnswered(UniqueId, _manager.Time.GetUtcNow(), leg.Channel, leg.Extension));
        Record(how, leg.Channel, "{\"party\":\"" + handed.Channel + "\"}");
        Record(CelEventType.BridgeEnter, ALegId);
        AnswerCaller();
        if (_state != CallState.Answered)
        {
            // The caller could not be answered (no dialog): the handed party has nobody to talk to.
            Forget(SendByeAsync(leg.Dialog, leg.Target));
            leg.Dialog.Terminate();
            return;
        }

        CallLog.Answered(_manager.Logger, UniqueId);
        SendReInvite(leg);
    }
}
