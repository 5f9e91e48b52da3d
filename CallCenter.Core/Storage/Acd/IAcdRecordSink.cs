namespace CallCenter.Core.Storage.Acd;

/// <summary>
/// Where the router reports what happened. Called on the router's serial context, so an implementation must only
/// hand the record on (add to a batch, a bounded queue) and never wait for a disk.
/// </summary>
public interface IAcdRecordSink
{
    void Queue(AcdQueueRecord record);

    void AgentState(AcdAgentStateRecord record);
}

/// <summary>Keeps nothing: for a router without a database (benchmarks, a PBX-only test).</summary>
public sealed class NullAcdRecordSink : IAcdRecordSink
{
    public static readonly NullAcdRecordSink Instance = new();

    public void Queue(AcdQueueRecord record)
    {
    }

    public void AgentState(AcdAgentStateRecord record)
    {
    }
}
