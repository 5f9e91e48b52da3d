using System.Globalization;
using CallCenter.Core.Storage.Cdr;

namespace CallCenter.Core.Calls;

// A call to a feature code (FreePBX's *78, *72EXT...): the caller changes its own call features from its phone.
// The server answers it itself with SDP, so that the phone shows the call as completed, and hangs up after
// FeatureConfirmation; a spoken or tone confirmation comes with the IVR's prompts. A code that cannot be carried
// out is refused instead: 484 for a forward code without an extension, 404 for an unknown or own extension.
// Call context only.
internal sealed partial class Call
{
    /// <summary>How long the confirming call lasts before our BYE.</summary>
    internal static readonly TimeSpan FeatureConfirmation = TimeSpan.FromSeconds(1);

    private ITimer? _featureTimer;

    private void OnFeatureCode(FeatureAction action, string? argument)
    {
        if (action is FeatureAction.QueueToggle or FeatureAction.PauseToggle or FeatureAction.AgentLogin or FeatureAction.AgentLogout)
        {
            OnAgentCode(action, argument);
            return;
        }

        var store = _manager.Features;
        if (argument is not null)
        {
            if (argument.Length == 0)
            {
                FailCaller(484, "feature code without an extension");
                return;
            }

            if (argument == _caller.Extension || _manager.Options.Extensions.FindUser(argument) is null)
            {
                FailCaller(404, "feature code with an unusable extension " + argument);
                return;
            }
        }

        var features = store.Change(_caller, current => action switch
        {
            FeatureAction.DndOn => current with { DoNotDisturb = true },
            FeatureAction.DndOff => current with { DoNotDisturb = false },
            FeatureAction.DndToggle => current with { DoNotDisturb = !current.ApplyTo(UserFeatures.Of(_caller)).DoNotDisturb },
            FeatureAction.ForwardAlwaysOn => current with { ForwardAlways = argument },
            FeatureAction.ForwardAlwaysOff => current with { ForwardAlways = string.Empty },
            FeatureAction.ForwardBusyOn => current with { ForwardBusy = argument },
            FeatureAction.ForwardBusyOff => current with { ForwardBusy = string.Empty },
            FeatureAction.ForwardNoAnswerOn => current with { ForwardNoAnswer = argument },
            FeatureAction.ForwardNoAnswerOff => current with { ForwardNoAnswer = string.Empty },
            _ => current,
        });
        CallLog.FeatureCode(_manager.Logger, UniqueId, _caller.Extension, action.ToString(), features.ToString());
        Record(CelEventType.UserDefined, ALegId, string.Create(CultureInfo.InvariantCulture, $"{{\"feature\":\"{action}\",\"extension\":\"{argument}\"}}"));
        ConfirmFeature();
    }

    /// <summary>The feature was carried out: answer with SDP and hang up after <see cref="FeatureConfirmation"/>.</summary>
    private void ConfirmFeature()
    {
        if (!PrepareMedia())
        {
            return;
        }

        _state = CallState.Answered;
        _manager.Cdr?.Answer(new CallAnswered(UniqueId, _manager.Time.GetUtcNow(), ALegId, null));
        Record(CelEventType.Answer, ALegId);
        AnswerCaller();
        ArmFeatureTimer();
    }

    private void ArmFeatureTimer()
    {
        _featureTimer?.Dispose();
        _featureTimer = _manager.Time.CreateTimer(
            _ => Post(() =>
            {
                if (_state != CallState.Answered)
                {
                    return;
                }

                if (!_aAcked)
                {
                    // §15: no BYE before the ACK; the 200's own retransmission timer ends the call if none comes.
                    ArmFeatureTimer();
                    return;
                }

                Hangup(HangupParty.System, byeCaller: true, byeCallee: false);
            }),
            null,
            FeatureConfirmation,
            Timeout.InfiniteTimeSpan);
    }
}
