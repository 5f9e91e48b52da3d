using CallCenter.Core.Storage.Cdr;

namespace CallCenter.Core.Calls;

// Call pickup by feature code (callcenter.xml <features pickup directedPickup>, FreePBX's *8 for the longest-ringing
// call and **EXT for the call ringing EXT).
// Two calls are involved and each keeps its own context: the picker's call (P, whose INVITE dialled the code) asks
// the ringing call (R) by message. R cancels its callee's INVITE and answers its own caller with the media it had
// already negotiated; once the caller's ACK has come (R owns that 2xx and its retransmissions, §13.3.1.4) R hands
// the caller's leg to P and ends without BYE. P then answers the picker and re-INVITEs the picked-up caller onto
// its own relay, exactly as for an INVITE with Replaces. "Longest ringing" is the earliest started among the calls
// now ringing (a call rings from its start but for the routing's milliseconds).
internal sealed partial class Call
{
    private Call? _pickedBy;
    private bool _pickupHandedOver;

    /// <summary>Read from other calls' contexts to choose a call to pick up; a stale answer is harmless, because
    /// the chosen call checks again on its own context (<see cref="OnPickupRequested"/>).</summary>
    internal bool IsRinging => _state == CallState.Ringing;

    internal string? RingingExtension => _calleeExtension;

    internal string CallerExtension => _caller.Extension;

    internal DateTimeOffset StartedUtc => _startedUtc;

    private bool TryStartPickup(string? destination)
    {
        var codes = _manager.Options.Features;
        string? extension;
        if (destination == codes.Pickup)
        {
            extension = null;
        }
        else if (destination is not null && destination.Length > codes.DirectedPickup.Length
            && destination.StartsWith(codes.DirectedPickup, StringComparison.Ordinal))
        {
            extension = destination[codes.DirectedPickup.Length..];
        }
        else
        {
            return false;
        }

        var ringing = _manager.FindRingingCall(extension, this);
        if (ringing is null)
        {
            FailCaller(404, "no ringing call to pick up");
            return true;
        }

        if (!TryPrepareCallerMedia())
        {
            return true;
        }

        CallLog.PickingUp(_manager.Logger, UniqueId, _caller.Extension, ringing.UniqueId);
        if (!ringing.Post(() => ringing.OnPickupRequested(this)))
        {
            FailCaller(480, "the ringing call is busy");
        }

        return true;
    }

    /// <summary>The ringing call's context: <paramref name="picker"/> wants our caller. Refused unless we still
    /// ring.</summary>
    internal void OnPickupRequested(Call picker)
    {
        if (_state != CallState.Ringing || _pickedBy is not null)
        {
            picker.Post(picker.OnPickupRefused);
            return;
        }

        _pickedBy = picker;
        StopRingTimer();
        _bFork?.CancelAll();
        _state = CallState.Answered;
        Record(CelEventType.Pickup, ALegId, "{\"by\":\"" + picker.CallerExtension + "\",\"into\":\"" + picker.UniqueId + "\"}");
        AnswerCaller();
    }

    /// <summary>The ringing call's context, on our caller's ACK: its leg goes to the picker's call and this call
    /// ends (its relay with it; the picker's call moves the caller's media onto its own).</summary>
    private void HandOverPickedCaller()
    {
        var picker = _pickedBy!;
        if (_legA is not { } leg || _state != CallState.Answered)
        {
            return;
        }

        _pickupHandedOver = true;
        StopGlareTimer(leg);
        _manager.Dialogs.TryRemove(leg.Dialog.Id, this);
        _legA = null;
        Hangup(HangupParty.System, byeCaller: false, byeCallee: false);
        if (!picker.Post(() => picker.JoinHandedLeg(leg, CelEventType.Pickup)))
        {
            Forget(SendByeAsync(leg.Dialog, leg.Target));
        }
    }

    /// <summary>The ringing call ended without handing its caller over (it stopped ringing first, or its caller
    /// never acknowledged our 200): the picker is told.</summary>
    private void AbandonPickup()
    {
        if (_pickedBy is { } picker && !_pickupHandedOver)
        {
            picker.Post(picker.OnPickupRefused);
        }
    }

    private void OnPickupRefused() => FailCaller(480, "nothing left to pick up");
}
