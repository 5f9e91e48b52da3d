namespace CallCenter.Core.Acd;

/// <summary>Why the ACD let go of a caller who was not connected to an agent.</summary>
public enum QueueExitReason
{
    UnknownQueue,

    /// <summary>The queue was full (max length) and has no overflow for that.</summary>
    Full,

    /// <summary>The queue counted as empty, on joining or by its leave-when-empty rule.</summary>
    Empty,

    /// <summary>Max wait passed and the queue has no overflow for that.</summary>
    Timeout,

    /// <summary>The caller pressed the queue's exit digit.</summary>
    ExitKey,

    /// <summary>The callback of a caller on virtual hold was not answered.</summary>
    CallbackFailed,

    /// <summary>The same caller id is already queued.</summary>
    Duplicate,
}
