namespace CallCenter.Core.Storage.Cdr;

/// <summary>
/// What the writer holds for one call between two batches: at most one open, one answer and one end, whatever the
/// call layer reported in the meantime. They are written in that order, so an open, answer and end that arrive in
/// the same batch window become one insert and two updates in one transaction. Guarded by the writer's lock.
/// </summary>
internal sealed class CdrPendingCall
{
    public CallOpened? Opened { get; private set; }

    public CallAnswered? Answered { get; private set; }

    public CallEnded? Ended { get; private set; }

    /// <summary>How many reports this entry carries (what a successful write adds to the written count).</summary>
    public int Count => (Opened is null ? 0 : 1) + (Answered is null ? 0 : 1) + (Ended is null ? 0 : 1);

    // The first report of each kind wins: a second answer or end of the same call is a call-layer slip, and the first
    // one is what happened. An answer by the server itself (IVR) is completed by the phone's answer that follows.
    public void Set(CallOpened opened) => Opened ??= opened;

    public void Set(CallAnswered answered) => Answered = Answered is null ? answered : Answered.Then(answered);

    public void Set(CallEnded ended) => Ended ??= ended;

    /// <summary>Takes back a failed batch's entry for the same call: it is older, so its reports win.</summary>
    public void MergeOlder(CdrPendingCall older)
    {
        Opened = older.Opened ?? Opened;
        Answered = older.Answered is { } first ? (Answered is { } later ? first.Then(later) : first) : Answered;
        Ended = older.Ended ?? Ended;
    }
}
