using CallCenter.Core.Sip.Dialogs;
using CallCenter.Core.Sip.Messages;
using CallCenter.Core.Sip.Transactions;
using CallCenter.Core.Storage.Cdr;
using CallCenter.Media.Relay;

namespace CallCenter.Core.Calls;

// How a call ends: a final failure to the caller before answer, or BYEs after; then everything the call held is
// given back (relay ports, dialog table entries, call-limit slots) exactly once.
internal sealed partial class Call
{
    /// <summary>Ends an unanswered call: the caller gets <paramref name="status"/> (if it has no final response yet)
    /// and the callee's INVITE, if one is out, is cancelled.</summary>
    private void FailCaller(int status, string why)
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        CallLog.Failed(_manager.Logger, UniqueId, status, why);
        var wasRinging = _state == CallState.Ringing;
        _state = CallState.Ended;
        if (wasRinging && _bDialog is null)
        {
            _bFork?.CancelAll();
        }

        if (CallerInvite is { } invite)
        {
            CallManager.Respond(invite, invite.CreateResponse(status, toTag: _aTag));
        }

        Finish(CallEnd.Failed(status, status == 487 ? HangupParty.Caller : HangupParty.System));
    }

    /// <summary>Ends an answered call: BYE to the parties that did not hang up themselves.</summary>
    private void Hangup(HangupParty by, bool byeCaller, bool byeCallee)
    {
        if (_state == CallState.Ended)
        {
            return;
        }

        _state = CallState.Ended;
        StopTransfer();
        foreach (var leg in new[] { _legA, _legB })
        {
            if (leg is null)
            {
                continue;
            }

            StopGlareTimer(leg);
            var bye = leg.Side == MediaLegSide.A ? byeCaller : byeCallee;
            if (bye && leg.Dialog.State == SipDialogState.Confirmed)
            {
                Forget(SendByeAsync(leg.Dialog, leg.Target));
            }

            leg.Dialog.Terminate();
        }

        // The first dialogs are the legs' (or were, before a transfer or a hand-over moved one elsewhere): a leg
        // handed to another call keeps its dialog alive.
        CallLog.HungUp(_manager.Logger, UniqueId, by.ToText());
        Record(CelEventType.Hangup, (by == HangupParty.Callee ? _legB?.Channel : _legA?.Channel) ?? (by == HangupParty.Callee ? BLegId : ALegId));
        Finish(CallEnd.Answered(by));
    }

    private void Finish(CallEnd end)
    {
        EndIvrCall();
        end = EndQueueCall(end);
        AbandonPickup();
        StopRingTimer();
        StopCallerOkTimer();
        if (_aDialog is not null)
        {
            _manager.Dialogs.TryRemove(_aDialog.Id, this);
        }

        if (_aEarly is not null)
        {
            _manager.Dialogs.TryRemove(_aEarly.Id, this);
        }

        if (_bDialog is not null)
        {
            _manager.Dialogs.TryRemove(_bDialog.Id, this);
        }

        foreach (var leg in AllLegs())
        {
            _manager.Dialogs.TryRemove(leg.Dialog.Id, this);
        }

        ReleaseTransferSlots();

        _manager.ReleaseSlot(_caller.Extension);
        if (_calleeExtension is not null)
        {
            _manager.ReleaseSlot(_calleeExtension);
        }

        if (_relay is { } relay)
        {
            _relay = null;
            Forget(relay.DisposeAsync().AsTask());
        }

        _manager.Forget(this);

        // The callee's INVITE transaction lingers (Timer M) and must not keep this call alive with it.
        _bFork?.Detach(_bDialog);
        var now = _manager.Time.GetUtcNow();
        _manager.Cdr?.End(new CallEnded(UniqueId, now, end.Disposition, end.Q850Cause, end.SipStatus, end.HungUpBy));
        CallLog.Ended(_manager.Logger, UniqueId, end.Disposition.ToText(), end.SipStatus, end.HungUpBy.ToText(), (now - _startedUtc).TotalSeconds, _caller.Extension, _aDialled ?? "(no number)");
    }

    private async Task SendByeAsync(SipDialog dialog, SipTarget target)
    {
        var bye = dialog.CreateRequest(SipMethods.Bye).AddHeader("User-Agent", _manager.Options.Sip.UserAgent);
        var result = await _manager.Client.SendNonInviteAsync(bye, target).ConfigureAwait(false);
        if (result.Response is not { IsSuccess: true })
        {
            CallLog.SendFailed(_manager.Logger, UniqueId, "BYE", result.Response?.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? result.ToString());
        }
    }

    /// <summary>Fire and forget, but never unobserved: a send that throws is a bug worth a log line.</summary>
    private void Forget(Task task) =>
        _ = task.ContinueWith(
            static (t, state) => CallLog.Fault(((Call)state!)._manager.Logger, ((Call)state!).UniqueId, t.Exception!),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
