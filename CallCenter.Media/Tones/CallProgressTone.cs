namespace CallCenter.Media.Tones;

public enum CallProgressTone
{
    Dial,
    Ringback,
    Busy,
    Congestion,
    CallWaiting,
}
