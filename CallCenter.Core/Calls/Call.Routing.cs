using System.Globalization;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Cdr;

namespace CallCenter.Core.Calls;

// Where the call goes: the dialled user, or whoever that user's features send it to, hop by hop. Forwarding is the
// B2BUA's own (Asterisk's way, not a 302 to the caller): the caller's leg stays, hears 181, and a new callee leg is
// placed. The CDR keeps the dialled number as dst; each hop is a FORWARD event in the CEL and the extension that
// answered is the row's answeredBy. Call context only.
internal sealed partial class Call
{
    /// <summary>Forwards one call may take. Rules that point at each other (1001 busy → 1002, 1002 busy → 1001)
    /// are legal one by one and only loop at run time; the limit ends such a call with 482 (Loop Detected).</summary>
    internal const int MaxForwardHops = 5;

    private UserOptions? _calleeUser;
    private UserFeatures? _calleeFeatures;
    private int _forwardHops;

    /// <summary>How long the current callee's phones ring: its noAnswerTimeout, else calls/@ringTimeout.</summary>
    private TimeSpan RingTime => _calleeUser?.NoAnswerTimeout ?? _manager.Options.Calls.RingTimeout;

    /// <summary>Routes the call to <paramref name="callee"/>, applying its features in Asterisk's order:
    /// forward-always first (FreePBX checks CF before DND), then do-not-disturb, then its call limit (both "busy"),
    /// then its phones (none registered is "unavailable", FreePBX's no-answer/unavailable forward).</summary>
    private void Route(UserOptions callee)
    {
        var features = _manager.FeaturesOf(callee);
        _calleeUser = callee;
        _calleeFeatures = features;
        if (features.ForwardAlways is { } always)
        {
            Forward(always, "always");
            return;
        }

        if (features.DoNotDisturb)
        {
            OnCalleeBusy("do not disturb");
            return;
        }

        if (!_manager.TryTakeSlot(callee.Extension, callee.CallLimit))
        {
            OnCalleeBusy("callee at its call limit");
            return;
        }

        _calleeExtension = callee.Extension;
        var contacts = _manager.Registrations.GetContacts(callee.Extension);
        if (contacts.Count == 0)
        {
            OnCalleeUnanswered(480, "callee not registered");
            return;
        }

        if (PrepareMedia())
        {
            InviteCallee(callee, Reachable(contacts));
        }
    }

    /// <summary>The caller's SDP and the relay, once per call, on the first callee actually rung: a call refused
    /// or forwarded before that costs no media ports.</summary>
    private bool PrepareMedia()
    {
        if (_relay is not null)
        {
            return true;
        }

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

    private void OnCalleeBusy(string why)
    {
        if (_calleeFeatures?.ForwardBusy is { } target)
        {
            Forward(target, "busy");
        }
        else
        {
            FailCaller(486, why);
        }
    }

    private void OnCalleeUnanswered(int status, string why)
    {
        if (_calleeFeatures?.ForwardNoAnswer is { } target)
        {
            Forward(target, "noanswer");
        }
        else
        {
            FailCaller(status, why);
        }
    }

    /// <summary>Leaves the current callee (its phones cancelled, its call slot given back) and routes to
    /// <paramref name="target"/>, after telling the caller with a 181 (RFC 3261 §21.1.3).</summary>
    private void Forward(string target, string reason)
    {
        var from = _calleeUser!.Extension;
        StopRingTimer();
        if (_bFork is { } fork)
        {
            fork.CancelAll();
            fork.Detach(null);
            _bFork = null;
        }

        _bSelection = null;
        if (_calleeExtension is { } held)
        {
            _manager.ReleaseSlot(held);
            _calleeExtension = null;
        }

        if (++_forwardHops > MaxForwardHops)
        {
            CallLog.ForwardLoop(_manager.Logger, UniqueId, from, target, MaxForwardHops);
            FailCaller(482, "forwarding loop");
            return;
        }

        // Targets are validated where they are set; one can still vanish in a live reload of extensions.xml.
        if (_manager.Options.Extensions.FindUser(target) is not { } next)
        {
            FailCaller(404, "forward target " + target + " does not exist");
            return;
        }

        CallLog.Forwarded(_manager.Logger, UniqueId, from, target, reason);
        Record(CelEventType.Forward, ALegId, string.Create(
            CultureInfo.InvariantCulture, $"{{\"from\":\"{from}\",\"to\":\"{target}\",\"reason\":\"{reason}\",\"hop\":{_forwardHops}}}"));
        SendCallerProvisional(181, withSdp: false);
        Route(next);
    }
}
