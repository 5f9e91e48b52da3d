namespace CallCenter.Core.Sdp;

// A parsed or built session description (RFC 8866). Immutable and safe to share between threads: the B2BUA
// keeps the one a leg sent while it derives the one it sends on (ToBuilder). Serialized in RFC 8866 §5 order
// with CRLF line ends by ToString()/ToBytes(), whatever order and line ends it was received with.
public sealed partial class SdpSessionDescription
{
    private readonly SdpAttribute[] _attributes;
    private readonly SdpMediaDescription[] _media;

    internal SdpSessionDescription(
        SdpOrigin origin,
        string sessionName,
        string? information,
        string? uri,
        string[] emails,
        string[] phones,
        SdpConnection? connection,
        SdpBandwidth[] bandwidths,
        SdpTiming[] timings,
        string? timeZones,
        string? encryptionKey,
        SdpAttribute[] attributes,
        SdpMediaDescription[] media)
    {
        Origin = origin;
        SessionName = sessionName;
        Information = information;
        Uri = uri;
        Emails = emails;
        Phones = phones;
        Connection = connection;
        Bandwidths = bandwidths;
        Timings = timings;
        TimeZones = timeZones;
        EncryptionKey = encryptionKey;
        _attributes = attributes;
        _media = media;

        foreach (var attribute in attributes)
        {
            if (attribute.Value is null && SdpDirectionExtensions.TryParse(attribute.Name, out var direction))
            {
                Direction = direction;
                break;
            }
        }
    }

    // v= (RFC 8866 §5.1): 0 is the only version there is; the parser refuses any other.
    public int Version => 0;

    public SdpOrigin Origin { get; }

    // s=; empty when a phone sent "s=" or "s= " (both seen), written back as "s=-".
    public string SessionName { get; }

    public string? Information { get; }

    public string? Uri { get; }

    public IReadOnlyList<string> Emails { get; }

    public IReadOnlyList<string> Phones { get; }

    // The session-level c=, used by every m= section that has none of its own.
    public SdpConnection? Connection { get; }

    public IReadOnlyList<SdpBandwidth> Bandwidths { get; }

    // t= lines with their r= lines; empty when a sloppy phone left t= out (written back as "t=0 0").
    public IReadOnlyList<SdpTiming> Timings { get; }

    // z= as text.
    public string? TimeZones { get; }

    public string? EncryptionKey { get; }

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    public IReadOnlyList<SdpMediaDescription> Media => _media;

    // The session-level direction attribute, which applies to every m= section without its own (RFC 8866 §6.7).
    public SdpDirection? Direction { get; }

    public SdpAttribute? GetAttribute(string name)
    {
        foreach (var attribute in _attributes)
        {
            if (attribute.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute;
            }
        }

        return null;
    }

    public SdpSessionBuilder ToBuilder() => SdpSessionBuilder.From(this);
}
