namespace CallCenter.Core.Storage.Cdr;

/// <summary>The call was answered: billing time starts. Only the first answer of a call sets the time.</summary>
/// <param name="BLegId">The leg that answered (Asterisk's dstchannel); null when the server answered the caller itself
/// (an IVR, as Asterisk's Answer() in a dial plan), and then a later answer by a phone (the extension or agent the flow
/// led to) fills it in without moving the answer time.</param>
/// <param name="AnsweredBy">The extension on that leg (the agent, for a queue call), if it is one of ours.</param>
public sealed record CallAnswered(string UniqueId, DateTimeOffset AnswerUtc, string? BLegId, string? AnsweredBy)
{
    /// <summary>This answer followed by <paramref name="later"/>: the time stays, the leg comes from the later one
    /// if this one had none.</summary>
    public CallAnswered Then(CallAnswered later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return BLegId is null && later.BLegId is not null ? this with { BLegId = later.BLegId, AnsweredBy = later.AnsweredBy } : this;
    }
}
