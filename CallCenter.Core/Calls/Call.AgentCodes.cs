using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CallCenter.Core.Configuration;
using CallCenter.Core.Storage.Cdr;

namespace CallCenter.Core.Calls;

// Agent feature codes (*45 queue toggle, *46 pause, *31 login, *32 logout; FeatureCode.cs): an agent changes its
// ACD state from a desk phone, through the ACD's port IAgentPhoneCommands. As for the other feature codes, a code
// carried out is answered with SDP and hung up after FeatureConfirmation; a refused one gets a final error response:
//   404  the code names nothing: no agent belongs to this phone (*45, *46), nobody is logged in on it (*32), or the
//        digit after *46 is no reason of queues.xml. Not 484: 484 says the number is incomplete (RFC 3261 §21.4.22)
//        and a phone may then ask for more digits, but *469 is complete, and no digit added to it makes it valid.
//   484  *31 with nothing after it, or an agent number without '*' and PIN: there, more digits are what is missing.
//   403  a wrong PIN, or an agent number no agent has (the same answer, so that numbers cannot be probed for); or the
//        agent's state forbids it: logged in on another phone, the phone taken by another agent, not logged in.
//   503  no ACD is attached, or it did not answer (full mailbox, or no answer within AgentCodeTimeout).
//   500  the ACD failed on the question (a bug; its loop logged it).
// The ACD answers on its own loop (a Task); the answer is posted back to this call's context, so the call never
// blocks and its state is only touched here. Call context only.
internal sealed partial class Call
{
    /// <summary>How long an agent code waits for the ACD before the phone is told 503. The ACD answers in
    /// microseconds; this only bounds a wedged or overloaded one, so the phone is not left waiting for its final
    /// response until the INVITE transaction times out.</summary>
    internal static readonly TimeSpan AgentCodeTimeout = TimeSpan.FromSeconds(5);

    private ITimer? _agentCodeTimer;

    private void OnAgentCode(FeatureAction action, string? argument)
    {
        var acd = _manager.AgentCommands;
        var extension = _caller.Extension;
        if (acd is null)
        {
            _manager.ReportNoAcd(action.ToString(), extension);
            FailCaller(503, "agent code without an ACD");
            return;
        }

        var agents = _manager.Options.Extensions.Agents;
        Func<Task<AgentCodeAnswer>> ask;
        switch (action)
        {
            case FeatureAction.QueueToggle:
                if (HomeAgent(agents) is not { } home)
                {
                    FailCaller(404, "no agent has this phone as home extension");
                    return;
                }

                ask = () => acd.ToggleLoginAsync(home.Id, extension);
                break;

            case FeatureAction.PauseToggle:
                string? reason = null;
                if (!string.IsNullOrEmpty(argument) && !TryFindReason(argument, out reason))
                {
                    FailCaller(404, "pause code with an unknown reason digit");
                    return;
                }

                var homeId = HomeAgent(agents)?.Id;
                ask = () => acd.PauseAsync(extension, homeId, reason);
                break;

            case FeatureAction.AgentLogin:
                if (!TryReadLogin(argument, out var number, out var pin))
                {
                    FailCaller(484, "agent login code without a PIN");
                    return;
                }

                var now = _manager.Time.GetUtcNow();
                if (_manager.AgentPins.IsLockedOut(extension, now))
                {
                    // The same answer as a wrong PIN: whoever guesses learns nothing, not even that the lockout runs.
                    FailCaller(403, "agent login locked out after wrong PINs");
                    return;
                }

                if (FindLoginAgent(agents, number, pin) is not { } agent)
                {
                    if (_manager.AgentPins.Record(extension, now, out var wrong, out var lockedOut))
                    {
                        AgentCodeLog.WrongPin(_manager.Logger, extension, wrong);
                    }

                    if (lockedOut)
                    {
                        AgentCodeLog.LockedOut(_manager.Logger, extension, wrong, AgentPinFailures.Lockout.TotalMinutes);
                    }

                    FailCaller(403, "wrong agent PIN or number");
                    return;
                }

                _manager.AgentPins.Clear(extension);
                ask = () => acd.LoginAsync(agent.Id, extension);
                break;

            default:
                ask = () => acd.LogoutAsync(extension);
                break;
        }

        ArmAgentCodeTimer(action);
        _ = AskAcdAsync(ask, action);
    }

    // Asks on the call's context; the rest runs on whatever thread completes the ACD's task (its loop, or this one
    // at once when the post was refused) and only posts. A call that ended meanwhile refuses the post, and the
    // ACD's change stands: it was asked for.
    private async Task AskAcdAsync(Func<Task<AgentCodeAnswer>> ask, FeatureAction action)
    {
        AgentCodeAnswer? answer = null;
        Exception? failure = null;
        try
        {
            answer = await ask().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Any failure must still reach the phone: InvalidOperationException is the ACD refusing the question
            // (its mailbox is full), anything else a bug in it, which the ACD's loop has logged.
            failure = ex;
        }

        Post(() => OnAcdAnswer(action, answer, failure));
    }

    private void OnAcdAnswer(FeatureAction action, AgentCodeAnswer? answer, Exception? failure)
    {
        _agentCodeTimer?.Dispose();
        _agentCodeTimer = null;
        if (_state != CallState.Routing)
        {
            // Cancelled by the caller, or given up on by the timer.
            return;
        }

        if (answer is not { } result)
        {
            var refused = failure is InvalidOperationException;
            AgentCodeLog.NoAcdAnswer(_manager.Logger, UniqueId, action.ToString(), failure?.Message ?? "no answer", refused ? 503 : 500);
            FailCaller(refused ? 503 : 500, "the ACD did not carry out the agent code");
            return;
        }

        var status = result.Outcome switch
        {
            AgentCodeOutcome.Done or AgentCodeOutcome.Deferred or AgentCodeOutcome.NoChange => 200,
            AgentCodeOutcome.UnknownAgent or AgentCodeOutcome.UnknownReason => 404,
            AgentCodeOutcome.NotLoggedIn when action == FeatureAction.AgentLogout => 404,
            _ => 403,
        };
        if (status != 200)
        {
            FailCaller(status, "agent code " + action + ": " + result.Outcome);
            return;
        }

        var agent = result.AgentId ?? string.Empty;
        AgentCodeLog.Carried(_manager.Logger, UniqueId, _caller.Extension, action.ToString(), agent, result.Outcome.ToString(), result.State);
        Record(CelEventType.UserDefined, ALegId, string.Create(CultureInfo.InvariantCulture,
            $"{{\"agentCode\":\"{action}\",\"agent\":\"{agent}\",\"result\":\"{result.Outcome}\",\"state\":\"{result.State}\"}}"));
        ConfirmFeature();
    }

    private void ArmAgentCodeTimer(FeatureAction action)
    {
        _agentCodeTimer?.Dispose();
        _agentCodeTimer = _manager.Time.CreateTimer(
            _ => Post(() =>
            {
                if (_state == CallState.Routing && _agentCodeTimer is not null)
                {
                    _agentCodeTimer = null;
                    AgentCodeLog.NoAcdAnswer(_manager.Logger, UniqueId, action.ToString(), "timed out", 503);
                    FailCaller(503, "the ACD did not answer the agent code");
                }
            }),
            null,
            AgentCodeTimeout,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>The agent whose home extension is the calling phone; with several (a shared desk), the first in
    /// extensions.xml.</summary>
    private AgentOptions? HomeAgent(IEnumerable<AgentOptions> agents)
    {
        foreach (var agent in agents)
        {
            if (agent.DefaultExtension == _caller.Extension)
            {
                return agent;
            }
        }

        return null;
    }

    private bool TryFindReason(string digits, out string? reason)
    {
        reason = null;
        if (digits.Length == 1)
        {
            foreach (var candidate in _manager.Options.Queues.NotReadyReasons)
            {
                if (candidate.Digit == digits[0])
                {
                    reason = candidate.Code;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>"PIN" or "NUMBER*PIN"; false when a part is missing.</summary>
    private static bool TryReadLogin(string? argument, out string? number, out string pin)
    {
        number = null;
        pin = argument ?? string.Empty;
        var star = pin.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
        {
            number = pin[..star];
            pin = pin[(star + 1)..];
            if (number.Length == 0)
            {
                return false;
            }
        }

        return pin.Length > 0;
    }

    /// <summary>The agent <paramref name="number"/> names, or else the one of this phone's home agents (a shared
    /// desk may have several) whose PIN it is; null when the PIN does not match.</summary>
    private AgentOptions? FindLoginAgent(IEnumerable<AgentOptions> agents, string? number, string pin)
    {
        foreach (var agent in agents)
        {
            var candidate = number is null ? agent.DefaultExtension == _caller.Extension : agent.Number == number;
            if (candidate && PinMatches(agent.Pin, pin))
            {
                return agent;
            }
        }

        return null;
    }

    // Constant time in the PIN's content, so that the time of a refusal says nothing about how many digits were
    // right (it still tells the length, which the configuration's 4 to 12 digits say anyway).
    private static bool PinMatches(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));
}
