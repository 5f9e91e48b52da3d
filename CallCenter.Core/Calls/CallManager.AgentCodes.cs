using CallCenter.Core.Acd;

namespace CallCenter.Core.Calls;

// What the agent feature codes share across calls (Call.AgentCodes.cs). Any thread.
public sealed partial class CallManager
{
    private int _noAcdReported;

    internal AgentPinFailures AgentPins { get; } = new();

    /// <summary>An agent code came while no ACD is attached: the reason goes to the log the first time only, since
    /// every agent on a PBX without queues would otherwise repeat it.</summary>
    internal void ReportNoAcd(string code, string extension)
    {
        if (Interlocked.Exchange(ref _noAcdReported, 1) == 0)
        {
            AgentCodeLog.NoAcd(Logger, code, extension);
        }
    }
}
