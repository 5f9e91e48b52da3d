namespace CallCenter.Core.Storage.Acd;

/// <summary>Hands every record to several sinks in order (the database writer and the queue_log file, say). Each
/// sink must itself be non-blocking, as <see cref="IAcdRecordSink"/> asks.</summary>
public sealed class AcdRecordFanOut(params IAcdRecordSink[] sinks) : IAcdRecordSink
{
    public void Queue(AcdQueueRecord record)
    {
        foreach (var sink in sinks)
        {
            sink.Queue(record);
        }
    }

    public void AgentState(AcdAgentStateRecord record)
    {
        foreach (var sink in sinks)
        {
            sink.AgentState(record);
        }
    }
}
