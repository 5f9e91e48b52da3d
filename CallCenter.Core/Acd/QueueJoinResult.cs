namespace CallCenter.Core.Acd;

public enum QueueJoinResult
{
    /// <summary>In line (possibly already being offered to an agent).</summary>
    Joined,

    /// <summary>Sent on by the queue's max-length overflow (see <see cref="IAcdCallControl.Overflow"/>).</summary>
    Overflowed,

    /// <summary>Not queued; <see cref="IAcdCallControl.Exit"/> says why.</summary>
    Refused,
}
