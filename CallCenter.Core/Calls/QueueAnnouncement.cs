namespace CallCenter.Core.Calls;

/// <summary>What the ACD wants a waiting caller told, in the call layer's terms (the ACD's adapter maps its own
/// announcement onto this, as it maps the calls' reports onto the ACD's). The call layer turns it into prompts.</summary>
public enum QueueAnnouncementKind
{
    /// <summary>Place in line and/or estimated wait, whichever is given.</summary>
    Position,

    /// <summary>The queue's periodic prompt.</summary>
    Periodic,
}

/// <param name="Position">1 for the first in line; null: not told.</param>
/// <param name="EstimatedWait">Null: not told.</param>
/// <param name="Prompt">The periodic prompt's name (a file of config/sounds/&lt;language&gt;).</param>
public sealed record QueueAnnouncement(QueueAnnouncementKind Kind, int? Position, TimeSpan? EstimatedWait, string? Prompt);
