using CallCenter.Core.Acd;
using CallCenter.Core.Calls;
using CallCenter.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Ivr;

/// <summary>
/// The IVR's adapter to the call layer (the counterpart of the ACD's <see cref="AcdCallControl"/>): the call layer
/// asks it whether a number is an IVR route and starts a session through it; each session gets an
/// <see cref="IvrCallPort"/> that turns its commands into the call's. Holds what every session shares: the live
/// configuration (a session keeps the flows it started with), the decoded prompts, the data dip and the way into
/// the ACD.
/// <para>Threading: any thread; <see cref="Create"/> runs on the calling call's context.</para>
/// </summary>
public sealed class IvrCallRouter : IIvrCalls
{
    private readonly ILiveConfiguration _configuration;
    private readonly IvrPromptLibrary _prompts;
    private readonly IIvrDataDip _dip;
    private readonly Func<CallerRequest, bool> _joinQueue;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;

    /// <param name="joinQueue">Hands a caller to the ACD with the flow's priority and skills (the dispatcher's Join);
    /// false when the ACD refused it.</param>
    public IvrCallRouter(
        ILiveConfiguration configuration,
        IvrPromptLibrary prompts,
        IIvrDataDip dip,
        Func<CallerRequest, bool> joinQueue,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _configuration = configuration;
        _prompts = prompts;
        _dip = dip;
        _joinQueue = joinQueue;
        _time = time;
        _loggers = loggers;
    }

    public bool HasRoute(string calledNumber) => _configuration.Current.Ivr.FlowForNumber(calledNumber) is not null;

    public IIvrCallEvents? Create(IIvrCallCommands call, string callerNumber, string calledNumber)
    {
        ArgumentNullException.ThrowIfNull(call);
        var options = _configuration.Current.Ivr;
        if (options.FlowForNumber(calledNumber) is not { } flow)
        {
            return null;
        }

        var port = new IvrCallPort(call, _prompts, _joinQueue);
        var session = new IvrSession(
            options,
            flow,
            new IvrCall(call.CallId, callerNumber, calledNumber),
            port,
            _dip,
            _time,
            _loggers.CreateLogger<IvrSession>(),
            work => call.Post(work));
        port.Attach(session);
        return port;
    }
}
