namespace CallCenter.Core.Sdp;

// An RTP audio codec as offer/answer sees it: encoding name, payload type number, clock rate, channels. Two
// codecs are the same codec when name (case-insensitively), clock rate and channels agree; the payload type
// number is only the label one side uses for it (RFC 3264 §6.1, RFC 4317 §2.3).
public sealed record SdpCodec(string Name, int PayloadType, int ClockRate, int Channels = 1)
{
    // RFC 3551 static payload types: G.711 µ-law and A-law, the two codecs the relay forwards without
    // transcoding and every phone has.
    public static SdpCodec Pcmu { get; } = new("PCMU", 0, 8000);

    public static SdpCodec Pcma { get; } = new("PCMA", 8, 8000);

    public bool SameCodec(SdpRtpMap rtpMap)
    {
        ArgumentNullException.ThrowIfNull(rtpMap);
        return rtpMap.SameCodec(Name, ClockRate, Channels);
    }

    public bool SameCodec(SdpCodec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Name.Equals(other.Name, StringComparison.OrdinalIgnoreCase) && ClockRate == other.ClockRate && Channels == other.Channels;
    }

    public SdpRtpMap ToRtpMap() => new(PayloadType, Name, ClockRate, Channels);

    public override string ToString() => $"{Name}/{ClockRate}" + (Channels == 1 ? string.Empty : "/" + Channels) + $" (PT {PayloadType})";
}
