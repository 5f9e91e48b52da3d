using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// The answered call as two legs, one per relay side. Until the answer the call is the caller's INVITE and the
// callee's INVITE (.Caller.cs, .Callee.cs); from the answer on every in-dialog operation (hold, UPDATE, transfer,
// BYE) works on CallLeg, so that a leg can be replaced by a new one (a transfer target, a picked-up call) while the
// other leg and the relay stay. Legs that left the call stay known until it ends, so that their late requests
// (the BYE crossing ours) are answered rather than refused 481.
internal sealed partial class Call
{
    private readonly List<CallLeg> _releasedLegs = [];
    private CallLeg? _legA;
    private CallLeg? _legB;

    /// <summary>The leg now on <paramref name="side"/> of the relay.</summary>
    private CallLeg? LegOn(MediaLegSide side) => side == MediaLegSide.A ? _legA : _legB;

    private CallLeg? Other(CallLeg leg) => leg.Side == MediaLegSide.A ? _legB : _legA;

    private void SetLeg(CallLeg leg)
    {
        if (leg.Side == MediaLegSide.A)
        {
            _legA = leg;
        }
        else
        {
            _legB = leg;
        }
    }

    private CallLeg? FindLeg(SipRequest request)
    {
        if (!SipDialogId.TryFromRequest(request, out var id))
        {
            return null;
        }

        if (_legA?.Dialog.Id == id)
        {
            return _legA;
        }

        if (_legB?.Dialog.Id == id)
        {
            return _legB;
        }

        return _releasedLegs.Find(l => l.Dialog.Id == id);
    }

    /// <summary>Takes <paramref name="leg"/> out of the call: it stays in the dialog table until the call ends.
    /// With <paramref name="bye"/> its dialog is ended with BYE now; without, the caller ends it (the party already
    /// hung up, or a final NOTIFY must go first).</summary>
    private void ReleaseLeg(CallLeg leg, bool bye)
    {
        if (leg.Released)
        {
            return;
        }

        leg.Released = true;
        StopGlareTimer(leg);
        _releasedLegs.Add(leg);
        if (LegOn(leg.Side) == leg)
        {
            if (leg.Side == MediaLegSide.A)
            {
                _legA = null;
            }
            else
            {
                _legB = null;
            }
        }

        if (bye && leg.Dialog.State == SipDialogState.Confirmed)
        {
            Forget(SendByeAsync(leg.Dialog, leg.Target));
            leg.Dialog.Terminate();
        }

        Record(CelEventType.Hangup, leg.Channel);
    }

    /// <summary>A party of the call sent BYE. Normally the call ends; a transferor leaving a transfer in progress
    /// only takes its own leg away (the transferee waits for the target).</summary>
    private void OnLegHungUp(CallLeg leg)
    {
        if (TryLeaveForTransfer(leg))
        {
            return;
        }

        var byCaller = leg.Side == MediaLegSide.A;
        Hangup(byCaller ? HangupParty.Caller : HangupParty.Callee, byeCaller: !byCaller, byeCallee: byCaller);
    }

    /// <summary>A request on a leg that has left the call: a BYE (crossing ours) is answered 200, the rest 481.</summary>
    private static void OnReleasedLegRequest(SipServerTransaction transaction, CallLeg leg)
    {
        var isBye = transaction.Request.IsMethod(SipMethods.Bye);
        CallManager.Respond(transaction, transaction.CreateResponse(isBye ? 200 : 481));
        if (isBye)
        {
            // The party hung up itself (a transferor after the final NOTIFY): no BYE of ours is owed any more.
            leg.Dialog.Terminate();
        }
    }

    private IEnumerable<CallLeg> AllLegs()
    {
        if (_legA is not null)
        {
            yield return _legA;
        }

        if (_legB is not null)
        {
            yield return _legB;
        }

        foreach (var leg in _releasedLegs)
        {
            yield return leg;
        }
    }
}
