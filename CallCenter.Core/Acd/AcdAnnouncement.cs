namespace CallCenter.Core.Acd;

public enum AcdAnnouncementKind
{
    /// <summary>Position and/or estimated wait, as the queue's announce settings ask.</summary>
    Position,

    /// <summary>The queue's periodic prompt.</summary>
    Periodic,

    /// <summary>The caller chose a callback: tell it so before the call layer hangs up its leg.</summary>
    CallbackAccepted,
}

/// <summary>What to tell a waiting caller; the IVR's prompts turn it into audio.</summary>
public sealed record AcdAnnouncement(AcdAnnouncementKind Kind, int? Position, TimeSpan? EstimatedWait, string? Prompt);
