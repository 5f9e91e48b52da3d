using System.Globalization;

namespace CallCenter.Core.Sdp;

// Mutable recipe for one m= section, inside an SdpSessionBuilder. Same rules: never touches the description it
// was copied from, throws on values no valid SDP could carry.
public sealed class SdpMediaBuilder
{
    // Attributes that belong to one format and go when the format goes (RFC 8866 §6.6, §6.15; RFC 4585 §4.2).
    private static readonly string[] FormatScoped = ["rtpmap", "fmtp", "rtcp-fb"];

    private readonly List<string> _formats = [];
    private readonly List<SdpConnection> _connections = [];
    private readonly List<SdpBandwidth> _bandwidths = [];
    private readonly List<SdpAttribute> _attributes = [];
    private string _media;
    private int _port;
    private int? _portCount;
    private string _protocol;
    private string? _information;
    private string? _encryptionKey;

    private SdpMediaBuilder(string media, int port, string protocol)
    {
        _media = media;
        _port = port;
        _protocol = protocol;
    }

    public string Media => _media;

    public int Port => _port;

    public string Protocol => _protocol;

    public IReadOnlyList<string> Formats => _formats;

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    internal static SdpMediaBuilder Create(string media, int port, string protocol, IEnumerable<string> formats)
    {
        if (!SdpSyntax.IsToken(media))
        {
            throw new ArgumentException("The media type must be a token.", nameof(media));
        }

        CheckProtocol(protocol);
        var builder = new SdpMediaBuilder(media, 0, protocol);
        builder.SetPort(port);
        builder.SetFormats(formats);
        return builder;
    }

    internal static SdpMediaBuilder From(SdpMediaDescription media)
    {
        var builder = new SdpMediaBuilder(media.Media, media.Port, media.Protocol)
        {
            _portCount = media.PortCount,
            _information = media.Information,
            _encryptionKey = media.EncryptionKey,
        };
        builder._formats.AddRange(media.Formats);
        builder._connections.AddRange(media.Connections);
        builder._bandwidths.AddRange(media.Bandwidths);
        builder._attributes.AddRange(media.Attributes);
        return builder;
    }

    public SdpMediaBuilder SetPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        _port = port;
        return this;
    }

    public SdpMediaBuilder SetProtocol(string protocol)
    {
        CheckProtocol(protocol);
        _protocol = protocol;
        return this;
    }

    // Replaces the media-level c= lines with this one; null leaves the session-level one in force.
    public SdpMediaBuilder SetConnection(SdpConnection? connection)
    {
        _connections.Clear();
        if (connection is not null)
        {
            SdpText.CheckConnection(connection, nameof(connection));
            _connections.Add(connection);
        }

        return this;
    }

    // The format list in this order; attributes of formats no longer listed (rtpmap, fmtp, rtcp-fb) go too.
    public SdpMediaBuilder SetFormats(IEnumerable<string> formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        var list = formats.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("An m= line needs at least one format (RFC 8866 §5.14).", nameof(formats));
        }

        if (list.Count > SdpParser.MaxFormats)
        {
            throw new ArgumentException($"More than {SdpParser.MaxFormats} formats.", nameof(formats));
        }

        var rtp = IsRtp(_protocol);
        foreach (var format in list)
        {
            if (rtp ? !SdpSyntax.TryParsePayloadType(format, out _) : !SdpSyntax.IsToken(format))
            {
                throw new ArgumentException($"'{format}' is not a valid format for {_protocol}.", nameof(formats));
            }
        }

        _formats.Clear();
        _formats.AddRange(list);
        _attributes.RemoveAll(a => IsFormatScoped(a) && !_formats.Contains(FormatOf(a)));
        return this;
    }

    public SdpMediaBuilder SetFormats(IEnumerable<int> payloadTypes) =>
        SetFormats(payloadTypes.Select(pt => pt.ToString(CultureInfo.InvariantCulture)));

    // Keeps the listed formats that are present, in their present order (the offerer's preference).
    public SdpMediaBuilder RetainFormats(Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return SetFormats(_formats.Where(keep).ToList());
    }

    // The stream's own direction attribute; null removes it (the session level or sendrecv then applies).
    public SdpMediaBuilder SetDirection(SdpDirection? direction)
    {
        ReplaceDirection(_attributes, direction);
        return this;
    }

    public SdpMediaBuilder SetRtpMap(SdpRtpMap rtpMap)
    {
        ArgumentNullException.ThrowIfNull(rtpMap);
        var format = rtpMap.PayloadType.ToString(CultureInfo.InvariantCulture);
        return ReplaceFormatAttribute("rtpmap", format, rtpMap.ToAttributeValue());
    }

    // a=fmtp:<format> <parameters>; null or empty removes it (RFC 8866 §6.15 has no empty form).
    public SdpMediaBuilder SetFormatParameters(string format, string? parameters) =>
        string.IsNullOrEmpty(parameters)
            ? RemoveFormatAttribute("fmtp", format)
            : ReplaceFormatAttribute("fmtp", format, format + " " + parameters);

    public SdpMediaBuilder SetPacketTime(TimeSpan? packetTime) =>
        SetAttribute("ptime", packetTime is { } p ? FormatMilliseconds(p) : null);

    public SdpMediaBuilder SetMaxPacketTime(TimeSpan? maxPacketTime) =>
        SetAttribute("maxptime", maxPacketTime is { } p ? FormatMilliseconds(p) : null);

    // a=rtcp (RFC 3605); null removes it (RTCP then goes to port + 1).
    public SdpMediaBuilder SetRtcp(SdpRtcpAttribute? rtcp) => SetAttribute("rtcp", rtcp?.ToAttributeValue());

    public SdpMediaBuilder AddAttribute(string name, string? value = null)
    {
        _attributes.Add(SdpText.Attribute(name, value));
        return this;
    }

    // Removes every attribute of that name and, unless value is null, puts one in place of the first removed
    // (or at the end).
    public SdpMediaBuilder SetAttribute(string name, string? value)
    {
        var index = _attributes.FindIndex(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        _attributes.RemoveAll(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (value is not null)
        {
            _attributes.Insert(index < 0 ? _attributes.Count : index, SdpText.Attribute(name, value));
        }

        return this;
    }

    public SdpMediaBuilder RemoveAttributes(string name)
    {
        _attributes.RemoveAll(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return this;
    }

    public SdpMediaBuilder ClearAttributes()
    {
        _attributes.Clear();
        return this;
    }

    // RFC 3264 §6: a rejected stream keeps its m= line with port 0 and at least one format; nothing else of it
    // means anything, so the rest goes.
    public SdpMediaBuilder Reject()
    {
        _port = 0;
        _portCount = null;
        var first = _formats[0];
        _formats.Clear();
        _formats.Add(first);
        _connections.Clear();
        _bandwidths.Clear();
        _attributes.Clear();
        _encryptionKey = null;
        return this;
    }

    internal SdpMediaDescription Build() =>
        new(_media, _port, _portCount, _protocol, [.. _formats], _information, [.. _connections], [.. _bandwidths], _encryptionKey, [.. _attributes]);

    internal static void ReplaceDirection(List<SdpAttribute> attributes, SdpDirection? direction)
    {
        var index = attributes.FindIndex(IsDirection);
        attributes.RemoveAll(IsDirection);
        if (direction is { } d)
        {
            attributes.Insert(index < 0 ? attributes.Count : index, new SdpAttribute(d.ToAttributeName(), null));
        }
    }

    private static bool IsDirection(SdpAttribute attribute) => attribute.Value is null && SdpDirectionExtensions.TryParse(attribute.Name, out _);

    private SdpMediaBuilder ReplaceFormatAttribute(string name, string format, string value)
    {
        SdpText.CheckValue(value, nameof(value));
        var index = _attributes.FindIndex(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && FormatOf(a) == format);
        var attribute = new SdpAttribute(name, value);
        if (index >= 0)
        {
            _attributes[index] = attribute;
        }
        else
        {
            _attributes.Add(attribute);
        }

        return this;
    }

    private SdpMediaBuilder RemoveFormatAttribute(string name, string format)
    {
        _attributes.RemoveAll(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && FormatOf(a) == format);
        return this;
    }

    private static bool IsFormatScoped(SdpAttribute attribute)
    {
        foreach (var name in FormatScoped)
        {
            if (attribute.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string FormatOf(SdpAttribute attribute)
    {
        var value = attribute.Value ?? string.Empty;
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? value : value[..space];
    }

    private static bool IsRtp(string protocol) =>
        protocol.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase) || protocol.Contains("/RTP/", StringComparison.OrdinalIgnoreCase);

    private static void CheckProtocol(string protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (protocol.Length == 0 || protocol[0] == '/' || protocol[^1] == '/' || protocol.Contains("//", StringComparison.Ordinal) || protocol.Any(c => c != '/' && !SdpSyntax.IsTokenChar(c)))
        {
            throw new ArgumentException("The protocol must be tokens separated by '/'.", nameof(protocol));
        }
    }

    private static string FormatMilliseconds(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A packet time must be positive.");
        }

        return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
