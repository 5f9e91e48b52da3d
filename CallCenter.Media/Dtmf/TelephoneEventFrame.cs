namespace CallCenter.Media.Dtmf;

/// <summary>One packet of a planned event: when to send it after the first, whether it carries the marker, and
/// its payload. Sequence number, timestamp (the event's start for every frame) and SSRC are the stream's.</summary>
public readonly record struct TelephoneEventFrame(TimeSpan Offset, bool Marker, TelephoneEvent Event);
