using System.Collections.Immutable;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Ivr;

/// <summary>
/// The data dip: started without waiting, its result marshalled back to the call's context and matched by id, its
/// timeout on the session's own timer (which also cancels the request, so a late answer is never applied).
/// </summary>
public sealed partial class IvrSession
{
    private long _dipId;
    private CancellationTokenSource? _dipCancel;
    private IvrDipResult? _pendingDip;

    private void StartDip(IvrDataDipNode dip)
    {
        _wait = Wait.Dip;
        var id = ++_dipId;
        _dipCancel = new CancellationTokenSource();
        var parameters = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        parameters.Add(new(CallerVariable, _call.CallerNumber));
        foreach (var name in dip.Send)
        {
            if (_variables.TryGetValue(name, out var value))
            {
                parameters.Add(new(name, value));
            }
        }

        var request = new IvrDipRequest(dip.Url, dip.Method, parameters.ToImmutable(), [.. dip.Map.Select(m => m.Path)]);
        Arm(dip.Timeout);
        _ = QueryAsync(id, request, _dipCancel.Token);
    }

    // Off the call's context from the first await on; only the marshalled callback touches the session's state.
    private async Task QueryAsync(long id, IvrDipRequest request, CancellationToken cancellationToken)
    {
        IvrDipResult result;
        try
        {
            result = await _dip.QueryAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            result = IvrDipResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }

        _marshal(() => OnDipCompleted(id, result));
    }

    private void OnDipCompleted(long id, IvrDipResult result)
    {
        if (id != _dipId || _wait != Wait.Dip || _node is not IvrDataDipNode dip)
        {
            return;
        }

        // A dip that answered before StartDip returned (a cached or failing client) is taken up by the running loop.
        if (_running)
        {
            _pendingDip = result;
            return;
        }

        Run(DipCompleted(dip, result));
    }

    private IvrNode? DipCompleted(IvrDataDipNode dip, IvrDipResult result)
    {
        Disarm();
        ReleaseDip();
        if (!result.Succeeded)
        {
            LogDipFailed(_logger, _call.CallId, dip.Id, result.Reason ?? "unknown");
            return Next(dip.Failed);
        }

        foreach (var field in dip.Map)
        {
            if (result.Fields.TryGetValue(field.Path, out var value))
            {
                _variables[field.Variable] = value;
            }
        }

        LogDipSucceeded(_logger, _call.CallId, dip.Id, result.Fields.Count, dip.Map.Length);
        return Next(dip.Ok);
    }

    private IvrNode? DipTimedOut(IvrDataDipNode dip)
    {
        CancelDip();
        LogDipTimedOut(_logger, _call.CallId, dip.Id, dip.Timeout.TotalMilliseconds);
        return Next(dip.TimedOut);
    }

    private void CancelDip()
    {
        if (_dipCancel is { } cancel)
        {
            cancel.Cancel();
        }

        ReleaseDip();
    }

    private void ReleaseDip()
    {
        _dipCancel?.Dispose();
        _dipCancel = null;
        _pendingDip = null;
        // A result already on its way finds another id, or no dip waiting, and is dropped.
        _dipId++;
    }
}
