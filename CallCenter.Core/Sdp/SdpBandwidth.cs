namespace CallCenter.Core.Sdp;

// b=<bwtype>:<bandwidth> (RFC 8866 §5.8), e.g. AS:64 (kilobits per second) or TIAS:64000 (bits per second).
public sealed record SdpBandwidth(string Type, ulong Value)
{
    public override string ToString() => Type + ":" + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
