namespace CallCenter.Core.Sdp;

// t=<start> <stop> (NTP seconds, 0 0 for an unbounded session, RFC 8866 §5.9) and the r= lines under it, kept
// as text: nothing here schedules sessions, and RFC 3264 §6 only asks that the answer repeat the offer's t=.
public sealed record SdpTiming(ulong Start, ulong Stop, IReadOnlyList<string> Repeats)
{
    public static SdpTiming Unbounded { get; } = new(0, 0, []);
}
