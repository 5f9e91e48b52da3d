using CallCenter.Core.Storage.Acd;

namespace CallCenter.Tests.Unit.Acd;

internal sealed class RecordingAcdRecords : IAcdRecordSink
{
    public List<AcdQueueRecord> Events { get; } = [];
    public List<AcdAgentStateRecord> States { get; } = [];

    public void Queue(AcdQueueRecord record) => Events.Add(record);

    public void AgentState(AcdAgentStateRecord record) => States.Add(record);

    public IEnumerable<AcdQueueEventType> TypesFor(string callerId) => Events.Where(e => e.CallerId == callerId).Select(e => e.Type);

    /// <summary>What the store would hand back at the next start: each agent's newest row and newest reason.</summary>
    public IEnumerable<AcdAgentLastState> LastStates() =>
        States.GroupBy(s => s.AgentId).Select(g => new AcdAgentLastState(
            g.Key, g.Last().State, g.Last().Reason, g.Last().Extension, g.Last().At, g.LastOrDefault(s => s.Reason is not null)?.Reason));
}
