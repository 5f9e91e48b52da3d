using System.Globalization;

namespace CallCenter.Core.Sdp;

// One m= section (RFC 8866 §5.14) with its i=, c=, b=, k= and a= lines. Immutable: derive a changed copy through
// SdpSessionBuilder. The attributes stay as received, in order; the ones offer/answer reads (rtpmap, fmtp,
// ptime, maxptime, direction, rtcp, rtcp-mux) are also interpreted once here, leniently: a malformed value is
// kept as text and reads as absent, because refusing a call over a bad ptime helps nobody.
public sealed class SdpMediaDescription
{
    private readonly SdpAttribute[] _attributes;
    private readonly SdpRtpMap[] _rtpMaps;
    private readonly int[] _payloadTypes;

    internal SdpMediaDescription(
        string media,
        int port,
        int? portCount,
        string protocol,
        string[] formats,
        string? information,
        SdpConnection[] connections,
        SdpBandwidth[] bandwidths,
        string? encryptionKey,
        SdpAttribute[] attributes)
    {
        Media = media;
        Port = port;
        PortCount = portCount;
        Protocol = protocol;
        Formats = formats;
        Information = information;
        Connections = connections;
        Bandwidths = bandwidths;
        EncryptionKey = encryptionKey;
        _attributes = attributes;

        _payloadTypes = IsRtp ? ParsePayloadTypes(formats) : [];
        var rtpMaps = new List<SdpRtpMap>();
        foreach (var attribute in attributes)
        {
            var name = attribute.Name;
            if (Is(name, "rtpmap"))
            {
                if (SdpRtpMap.TryParse(attribute.Value, out var rtpMap))
                {
                    rtpMaps.Add(rtpMap);
                }
            }
            else if (Is(name, "ptime"))
            {
                PacketTime ??= ParseMilliseconds(attribute.Value);
            }
            else if (Is(name, "maxptime"))
            {
                MaxPacketTime ??= ParseMilliseconds(attribute.Value);
            }
            else if (Is(name, "rtcp"))
            {
                if (Rtcp is null && SdpRtcpAttribute.TryParse(attribute.Value, out var rtcp))
                {
                    Rtcp = rtcp;
                }
            }
            else if (Is(name, "rtcp-mux"))
            {
                RtcpMux = true;
            }
            else if (attribute.Value is null && Direction is null && SdpDirectionExtensions.TryParse(name, out var direction))
            {
                Direction = direction;
            }
        }

        _rtpMaps = [.. rtpMaps];
    }

    // "audio", "video", "application", ...
    public string Media { get; }

    // 0: the stream is rejected or disabled (RFC 3264 §6, §8.2).
    public int Port { get; }

    // The "/<number of ports>" suffix of m=, rarely used outside multicast.
    public int? PortCount { get; }

    // "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVPF", "udp", ...
    public string Protocol { get; }

    // The format list in the offerer's order of preference (RFC 3264 §5.1); payload type numbers for RTP.
    public IReadOnlyList<string> Formats { get; }

    public string? Information { get; }

    // Media-level c= lines; when empty the session-level one applies (RFC 8866 §5.7).
    public IReadOnlyList<SdpConnection> Connections { get; }

    public IReadOnlyList<SdpBandwidth> Bandwidths { get; }

    public string? EncryptionKey { get; }

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    public bool IsRejected => Port == 0;

    public bool IsAudio => Media.Equals("audio", StringComparison.OrdinalIgnoreCase);

    // Any RTP profile: RTP/AVP, RTP/AVPF, RTP/SAVP, UDP/TLS/RTP/SAVPF...
    public bool IsRtp => Protocol.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase) || Protocol.Contains("/RTP/", StringComparison.OrdinalIgnoreCase);

    // Plain RTP/AVP, the one profile the relay speaks (no SRTP keys, no AVPF feedback).
    public bool IsRtpAvp => Protocol.Equals("RTP/AVP", StringComparison.OrdinalIgnoreCase);

    // The formats as payload type numbers, for RTP profiles (the parser guarantees they are numbers there).
    public IReadOnlyList<int> PayloadTypes => _payloadTypes;

    public IReadOnlyList<SdpRtpMap> RtpMaps => _rtpMaps;

    public SdpConnection? Connection => Connections.Count > 0 ? Connections[0] : null;

    // The media-level direction attribute; null when absent (then the session level, then sendrecv apply).
    public SdpDirection? Direction { get; }

    // a=ptime / a=maxptime (RFC 8866 §6.4, §6.5); fractional milliseconds are allowed by the grammar.
    public TimeSpan? PacketTime { get; }

    public TimeSpan? MaxPacketTime { get; }

    public SdpRtcpAttribute? Rtcp { get; }

    // a=rtcp-mux (RFC 5761 §5.1.1): the remote offers RTP and RTCP on one port. Noted, not negotiated: the
    // relay answers without it, which per RFC 5761 keeps RTCP on its own port.
    public bool RtcpMux { get; }

    // The codec behind a payload type: the rtpmap if there is one, else RFC 3551's static assignment.
    public SdpRtpMap? GetRtpMap(int payloadType)
    {
        foreach (var map in _rtpMaps)
        {
            if (map.PayloadType == payloadType)
            {
                return map;
            }
        }

        return SdpStaticPayloadTypes.Get(payloadType);
    }

    // The a=fmtp parameters of one format ("0-16" for telephone-event, "annexb=no" for G.729), or null.
    public string? GetFormatParameters(string format)
    {
        foreach (var attribute in _attributes)
        {
            if (Is(attribute.Name, "fmtp") && attribute.Value is { } value)
            {
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                var head = space < 0 ? value.AsSpan() : value.AsSpan(0, space);
                if (head.SequenceEqual(format))
                {
                    // "a=fmtp:101" with nothing after it says nothing: read as absent.
                    var parameters = space < 0 ? string.Empty : value[(space + 1)..].Trim();
                    return parameters.Length == 0 ? null : parameters;
                }
            }
        }

        return null;
    }

    public string? GetFormatParameters(int payloadType) => GetFormatParameters(payloadType.ToString(CultureInfo.InvariantCulture));

    public SdpAttribute? GetAttribute(string name)
    {
        foreach (var attribute in _attributes)
        {
            if (Is(attribute.Name, name))
            {
                return attribute;
            }
        }

        return null;
    }

    public bool HasAttribute(string name) => GetAttribute(name) is not null;

    private static bool Is(string name, string expected) => name.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private static int[] ParsePayloadTypes(string[] formats)
    {
        var result = new int[formats.Length];
        for (var i = 0; i < formats.Length; i++)
        {
            result[i] = SdpSyntax.TryParsePayloadType(formats[i], out var pt) ? pt : -1;
        }

        return result;
    }

    // Between 0 and 10 s: anything else is nonsense and reads as absent.
    private static TimeSpan? ParseMilliseconds(string? value)
    {
        if (value is null
            || !double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms)
            || ms <= 0 || ms > 10_000)
        {
            return null;
        }

        return TimeSpan.FromMilliseconds(ms);
    }
}
