using System.Collections.Immutable;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Ivr;

/// <summary>Menus and digit collection: prompts a key cuts short, timeouts after them, retries, fallbacks.</summary>
public sealed partial class IvrSession
{
    private IvrNode? EnterMenu(IvrMenuNode menu)
    {
        // A key typed ahead (during the welcome) answers the menu at once; the loop in Run hands it over.
        _wait = Wait.Input;
        if (_typeAhead.Count == 0)
        {
            PromptThenWait(menu.Prompts, menu.Timeout);
        }

        return null;
    }

    private IvrNode? EnterCollect(IvrCollectNode collect)
    {
        _wait = Wait.Input;
        if (_typeAhead.Count == 0)
        {
            PromptThenWait(collect.Prompts, collect.FirstDigitTimeout);
        }

        return null;
    }

    // Prompts a key may cut short; the timeout starts when they finished (PromptFinished), as the caller only knows
    // the choices once it heard them.
    private void PromptThenWait(ImmutableArray<string> prompts, TimeSpan timeout)
    {
        if (prompts.IsEmpty)
        {
            _wait = Wait.Input;
            Arm(timeout);
            return;
        }

        Play(prompts, interruptible: true, Wait.Input);
    }

    /// <summary>A key for the menu or collect the session waits in; returns the node to go on with, or null to wait.</summary>
    private IvrNode? InputDigit(char digit)
    {
        Disarm();
        StopPlayback();
        return _node switch
        {
            IvrMenuNode menu => MenuDigit(menu, digit),
            IvrCollectNode collect => CollectDigit(collect, digit),
            _ => null,
        };
    }

    private IvrNode? MenuDigit(IvrMenuNode menu, char digit)
    {
        foreach (var choice in menu.Choices)
        {
            if (choice.Digit == digit)
            {
                return Next(choice.Next);
            }
        }

        LogInvalidInput(_logger, _call.CallId, menu.Id, digit.ToString());
        return MenuFailed(menu, menu.InvalidPrompts);
    }

    /// <summary>A wrong key or none: the explanation and the menu again, or the fallback once the retries are used.</summary>
    private IvrNode? MenuFailed(IvrMenuNode menu, ImmutableArray<string> explanation)
    {
        // What the caller typed ahead after a wrong key is not meant for the repeated menu.
        _typeAhead.Clear();
        if (++_attempts > menu.Retries)
        {
            LogFallback(_logger, _call.CallId, menu.Id, _attempts, menu.Fallback);
            return Next(menu.Fallback);
        }

        PromptThenWait(explanation.AddRange(menu.Prompts), menu.Timeout);
        return null;
    }

    private IvrNode? CollectDigit(IvrCollectNode collect, char digit)
    {
        if (digit == collect.Terminator)
        {
            return CollectFinished(collect);
        }

        _digits.Append(digit);
        if (_digits.Length >= collect.MaxLength)
        {
            return CollectFinished(collect);
        }

        _wait = Wait.Input;
        Arm(collect.InterDigitTimeout);
        return null;
    }

    private IvrNode? CollectTimedOut(IvrCollectNode collect)
    {
        if (_digits.Length == 0)
        {
            LogTimeout(_logger, _call.CallId, collect.Id);
            return CollectFailed(collect, collect.TimeoutPrompts);
        }

        // The caller stopped typing: what it typed is the input (no terminator needed).
        return CollectFinished(collect);
    }

    private IvrNode? CollectFinished(IvrCollectNode collect)
    {
        if (_digits.Length >= collect.MinLength && _digits.Length <= collect.MaxLength)
        {
            _variables[collect.Variable] = _digits.ToString();
            _digits.Clear();
            return Next(collect.Next);
        }

        LogInvalidInput(_logger, _call.CallId, collect.Id, _digits.ToString());
        return CollectFailed(collect, collect.InvalidPrompts);
    }

    private IvrNode? CollectFailed(IvrCollectNode collect, ImmutableArray<string> explanation)
    {
        _digits.Clear();
        _typeAhead.Clear();
        if (++_attempts > collect.Retries)
        {
            LogFallback(_logger, _call.CallId, collect.Id, _attempts, collect.Fallback);
            return Next(collect.Fallback);
        }

        PromptThenWait(explanation.AddRange(collect.Prompts), collect.FirstDigitTimeout);
        return null;
    }
}
