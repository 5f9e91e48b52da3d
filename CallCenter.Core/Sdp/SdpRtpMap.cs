using System.Globalization;

namespace CallCenter.Core.Sdp;

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>] (RFC 8866 §6.6), or the same facts taken from
// RFC 3551's table of static payload types when a phone lists a static type without an rtpmap.
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int Channels = 1)
{
    public bool IsTelephoneEvent => EncodingName.Equals("telephone-event", StringComparison.OrdinalIgnoreCase);

    // Encoding names are case-insensitive (RFC 4855 §3: media subtype names); channels default to 1.
    public bool SameCodec(string encodingName, int clockRate, int channels) =>
        EncodingName.Equals(encodingName, StringComparison.OrdinalIgnoreCase) && ClockRate == clockRate && Channels == channels;

    public string ToAttributeValue() =>
        Channels == 1
            ? string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}")
            : string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}/{Channels}");

    // Lenient on purpose: a malformed rtpmap leaves its payload type unmapped (so offer/answer never picks it)
    // rather than refusing the whole description.
    public static bool TryParse(string? value, out SdpRtpMap rtpMap)
    {
        rtpMap = null!;
        if (value is null)
        {
            return false;
        }

        var span = value.AsSpan().Trim();
        var space = span.IndexOf(' ');
        if (space <= 0 || !SdpSyntax.TryParsePayloadType(span[..space], out var payloadType))
        {
            return false;
        }

        var encoding = span[(space + 1)..].TrimStart();
        var slash = encoding.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var name = encoding[..slash];
        var rest = encoding[(slash + 1)..];
        var channels = 1;
        var secondSlash = rest.IndexOf('/');
        if (secondSlash >= 0)
        {
            if (!int.TryParse(rest[(secondSlash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out channels) || channels is < 1 or > 255)
            {
                return false;
            }

            rest = rest[..secondSlash];
        }

        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var clockRate) || clockRate <= 0 || !SdpSyntax.IsToken(name))
        {
            return false;
        }

        rtpMap = new SdpRtpMap(payloadType, name.ToString(), clockRate, channels);
        return true;
    }
}
