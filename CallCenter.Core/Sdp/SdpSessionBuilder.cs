using System.Net;

namespace CallCenter.Core.Sdp;

// Mutable recipe for a description, started empty or from a parsed one, which it never touches: From() copies
// what it needs and Build() makes a new immutable SdpSessionDescription. Not thread-safe: one owner (a call's
// loop) at a time. Invalid input from code (a CR in a value, port 70000) throws: that is a bug, not wire input.
public sealed class SdpSessionBuilder
{
    private readonly List<SdpAttribute> _attributes = [];
    private readonly List<SdpMediaBuilder> _media = [];
    private readonly List<string> _emails = [];
    private readonly List<string> _phones = [];
    private readonly List<SdpBandwidth> _bandwidths = [];
    private readonly List<SdpTiming> _timings = [];
    private SdpOrigin _origin;
    private string _sessionName = "-";
    private string? _information;
    private string? _uri;
    private SdpConnection? _connection;
    private string? _timeZones;
    private string? _encryptionKey;

    private SdpSessionBuilder(SdpOrigin origin)
    {
        _origin = origin;
    }

    public SdpOrigin Origin => _origin;

    public SdpConnection? Connection => _connection;

    public IReadOnlyList<SdpMediaBuilder> Media => _media;

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    // A new description: s=-, t=0 0, nothing else until added.
    public static SdpSessionBuilder Create(SdpOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var builder = new SdpSessionBuilder(origin);
        builder._timings.Add(SdpTiming.Unbounded);
        return builder;
    }

    public static SdpSessionBuilder From(SdpSessionDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var builder = new SdpSessionBuilder(description.Origin)
        {
            _sessionName = description.SessionName,
            _information = description.Information,
            _uri = description.Uri,
            _connection = description.Connection,
            _timeZones = description.TimeZones,
            _encryptionKey = description.EncryptionKey,
        };
        builder._emails.AddRange(description.Emails);
        builder._phones.AddRange(description.Phones);
        builder._bandwidths.AddRange(description.Bandwidths);
        builder._timings.AddRange(description.Timings);
        builder._attributes.AddRange(description.Attributes);
        foreach (var media in description.Media)
        {
            builder._media.Add(SdpMediaBuilder.From(media));
        }

        return builder;
    }

    public SdpSessionBuilder SetOrigin(SdpOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        SdpText.CheckField(origin.UserName, nameof(origin));
        SdpText.CheckField(origin.Address, nameof(origin));
        if (origin.SessionId.Length == 0 || origin.SessionId.Length > 20 || !SdpSyntax.IsDigits(origin.SessionId))
        {
            throw new ArgumentException("The session id must be 1 to 20 digits.", nameof(origin));
        }

        _origin = origin;
        return this;
    }

    public SdpSessionBuilder SetOriginVersion(ulong version) => SetOrigin(_origin with { SessionVersion = version });

    public SdpSessionBuilder SetSessionName(string name)
    {
        SdpText.CheckValue(name, nameof(name));
        _sessionName = name;
        return this;
    }

    public SdpSessionBuilder SetConnection(SdpConnection? connection)
    {
        if (connection is not null)
        {
            SdpText.CheckConnection(connection, nameof(connection));
        }

        _connection = connection;
        return this;
    }

    public SdpSessionBuilder SetConnection(IPAddress address) => SetConnection(SdpConnection.ForAddress(address));

    // RFC 3264 §6: an answer's t= repeats the offer's.
    public SdpSessionBuilder SetTimings(IEnumerable<SdpTiming> timings)
    {
        ArgumentNullException.ThrowIfNull(timings);
        _timings.Clear();
        _timings.AddRange(timings);
        return this;
    }

    // The session-level direction; null removes it (each stream then says its own, or sendrecv applies).
    public SdpSessionBuilder SetDirection(SdpDirection? direction)
    {
        SdpMediaBuilder.ReplaceDirection(_attributes, direction);
        return this;
    }

    public SdpSessionBuilder AddAttribute(string name, string? value = null)
    {
        _attributes.Add(SdpText.Attribute(name, value));
        return this;
    }

    public SdpSessionBuilder RemoveAttributes(string name)
    {
        _attributes.RemoveAll(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return this;
    }

    public SdpMediaBuilder AddMedia(string media, int port, string protocol, IEnumerable<string> formats)
    {
        var builder = SdpMediaBuilder.Create(media, port, protocol, formats);
        _media.Add(builder);
        return builder;
    }

    public SdpSessionBuilder RemoveMedia(int index)
    {
        _media.RemoveAt(index);
        return this;
    }

    public SdpSessionDescription Build()
    {
        if (_media.Count > SdpParser.MaxMediaDescriptions)
        {
            throw new InvalidOperationException($"More than {SdpParser.MaxMediaDescriptions} m= sections: the parser would refuse this description.");
        }

        var media = new SdpMediaDescription[_media.Count];
        for (var i = 0; i < media.Length; i++)
        {
            media[i] = _media[i].Build();
            if (!media[i].IsRejected && media[i].Connections.Count == 0 && _connection is null)
            {
                throw new InvalidOperationException($"m= section {i + 1} has no c= and there is no session-level c=.");
            }
        }

        return new SdpSessionDescription(
            _origin,
            _sessionName,
            _information,
            _uri,
            [.. _emails],
            [.. _phones],
            _connection,
            [.. _bandwidths],
            [.. _timings],
            _timeZones,
            _encryptionKey,
            [.. _attributes],
            media);
    }
}
