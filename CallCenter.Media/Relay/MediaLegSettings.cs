using System.Net;
using CallCenter.Media.Codecs;

namespace CallCenter.Media.Relay;

/// <summary>
/// What one completed offer/answer says about a leg: where the phone wants its media (SDP c= and m=), which codec
/// it chose and under which payload type number, and the telephone-event payload type if it negotiated one.
/// </summary>
public sealed record MediaLegSettings
{
    public required IPEndPoint RemoteRtp { get; init; }

    /// <summary>From a=rtcp (RFC 3605); null means the RTP port + 1 (RFC 3550 §11).</summary>
    public IPEndPoint? RemoteRtcp { get; init; }

    public required AudioCodec Codec { get; init; }

    /// <summary>The number this leg uses for <see cref="Codec"/>: normally 0 for PCMU and 8 for PCMA.</summary>
    public required byte PayloadType { get; init; }

    /// <summary>The RFC 4733 payload type this leg negotiated, or null: then events from the other leg are not
    /// sent to it (they are still reported to the owner).</summary>
    public byte? TelephoneEventPayloadType { get; init; }

    /// <summary>False while the leg is held with a=inactive or a=sendonly from our side, so that its silence is
    /// not reported as a media timeout.</summary>
    public bool ExpectsMedia { get; init; } = true;

    internal IPEndPoint EffectiveRemoteRtcp => RemoteRtcp ?? new IPEndPoint(RemoteRtp.Address, RemoteRtp.Port + 1);

    internal void Validate()
    {
        if (RemoteRtp.Port is <= 0 or >= 65535)
        {
            throw new ArgumentException($"RTP port {RemoteRtp.Port} is not usable (port 0 means the stream is rejected; do not configure it).", nameof(RemoteRtp));
        }

        CheckPayloadType(PayloadType, nameof(PayloadType));
        if (TelephoneEventPayloadType is { } events)
        {
            CheckPayloadType(events, nameof(TelephoneEventPayloadType));
            if (events == PayloadType)
            {
                throw new ArgumentException("Audio and telephone-event cannot share a payload type.", nameof(TelephoneEventPayloadType));
            }
        }
    }

    private static void CheckPayloadType(byte payloadType, string name)
    {
        // 72-76 collide with RTCP packet types (RFC 5761 §4); above 127 does not fit the field.
        if (payloadType > 127 || payloadType is >= 72 and <= 76)
        {
            throw new ArgumentOutOfRangeException(name, payloadType, "Not a usable RTP payload type.");
        }
    }
}
