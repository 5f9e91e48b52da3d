namespace CallCenter.Core.Storage.Cdr;

/// <summary>The call was answered: billing time starts. Only the first answer of a call counts.</summary>
/// <param name="BLegId">The leg that answered (Asterisk's dstchannel).</param>
/// <param name="AnsweredBy">The extension on that leg (the agent, for a queue call), if it is one of ours.</param>
public sealed record CallAnswered(string UniqueId, DateTimeOffset AnswerUtc, string BLegId, string? AnsweredBy);
