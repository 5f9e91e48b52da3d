namespace CallCenter.Core.Acd;

internal enum CallerPhase
{
    /// <summary>In line and eligible: the next qualified free agent is offered to it.</summary>
    Waiting,

    /// <summary>One agent's phone (or, for ring-all, several) is ringing for it.</summary>
    Offering,

    /// <summary>An offer failed; it keeps its place but is not offered again until the queue's retry delay passed.</summary>
    RetryWait,

    /// <summary>Virtual hold: its leg was released and it keeps its place; when its turn comes it is called back.</summary>
    CallbackPending,

    /// <summary>Its callback is ringing; once it answers it is Waiting again, at the head of the line.</summary>
    CallingBack,

    /// <summary>Talking to an agent; no longer in line.</summary>
    Connected,
}
