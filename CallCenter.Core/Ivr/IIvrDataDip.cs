namespace CallCenter.Core.Ivr;

/// <summary>
/// Asks an external service about a caller (an HTTP CRM lookup in the server: <see cref="IvrHttpDataDip"/>). Runs off
/// the call's context: the session starts it and goes on; the result comes back through the session's marshal. It
/// must honour the token (the session cancels it when its own timeout took the timedOut branch) and report failures as
/// a result rather than throw; an exception other than cancellation is taken as a failure too.
/// </summary>
public interface IIvrDataDip
{
    Task<IvrDipResult> QueryAsync(IvrDipRequest request, CancellationToken cancellationToken);
}
