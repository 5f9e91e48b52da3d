namespace CallCenter.Core.Calls;

// What the agent feature codes share across calls (Call.AgentCodes.cs). Any thread.
public sealed partial class CallManager
{
    private int _noAcdReported;

    /// <summary>Where agent codes go: the ACD, once the host attached it; null on a server without queues, where
    /// agent codes are answered 503.</summary>
    internal IAgentPhoneCommands? AgentCommands { get; private set; }

    internal AgentPinFailures AgentPins { get; } = new();

    /// <summary>Start-up, before calls arrive: the ACD agent codes talk to (the <c>AcdDispatcher</c>).</summary>
    public void AttachAgentCommands(IAgentPhoneCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        AgentCommands = commands;
    }

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
