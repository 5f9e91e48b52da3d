using System.Globalization;
using System.Net;

namespace CallCenter.Core.Sdp;

// RFC 3264 offer/answer for a server that anchors one audio stream per call and relays it without transcoding.
// Pure functions of their arguments apart from the leg's SdpSessionVersion, which they advance; called on the
// call's loop. The parts: CreateOffer (our own offer, e.g. for a late-offer INVITE), CreateRelayedOffer (leg A's
// offer turned into ours for leg B), CreateAnswer (answering a received offer), ReadAnswer (checking the answer
// to one of our offers).
//
// One audio stream is taken: the first audio m= line over plain RTP/AVP with a codec in common. Every other
// stream (video, a second audio stream, RFC 4317 §2.4's separate telephone-event stream, SRTP) is rejected
// with port 0, which RFC 3264 §6 allows for any stream.
public static partial class SdpOfferAnswer
{
    public static SdpSessionDescription CreateOffer(
        SdpMediaCapabilities capabilities,
        SdpEndpoint local,
        SdpSessionVersion origin,
        SdpDirection direction = SdpDirection.SendRecv,
        bool forceNewVersion = false)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(origin);
        var builder = SdpSessionBuilder.Create(origin.Origin).SetConnection(ConnectionFor(local));
        var formats = capabilities.Codecs.Select(c => c.PayloadType).ToList();
        if (capabilities.TelephoneEventPayloadType is { } te)
        {
            formats.Add(te);
        }

        var media = builder.AddMedia("audio", local.Port, "RTP/AVP", formats.Select(f => f.ToString(CultureInfo.InvariantCulture)));
        foreach (var codec in capabilities.Codecs)
        {
            media.SetRtpMap(codec.ToRtpMap());
        }

        if (capabilities.TelephoneEventPayloadType is { } events)
        {
            // RFC 4733 §2.3.1: telephone-event's clock rate is that of the audio it goes with; every codec the
            // relay carries is 8 kHz, so one telephone-event/8000 serves them all.
            media.SetRtpMap(new SdpRtpMap(events, "telephone-event", capabilities.Codecs[0].ClockRate));
            media.SetFormatParameters(events.ToString(CultureInfo.InvariantCulture), capabilities.TelephoneEvents);
        }

        media.SetPacketTime(capabilities.PacketTime).SetDirection(direction);
        return origin.Stamp(builder.Build(), forceNewVersion);
    }

    // Leg A's offer as our offer to leg B: same m= lines in the same order (so B's answer maps back line for
    // line), our address and relay port on the one live audio stream, A's formats that the relay carries in
    // A's order and with A's numbers (so that B's choice is valid for A as it stands), A's telephone-event, A's
    // packet time (A receives B's packets as they are), A's direction (so a hold passes through, RFC 2543's
    // c=0.0.0.0 turned into the modern attribute). A's other attributes describe A's endpoint and stay behind.
    public static SdpOfferResult CreateRelayedOffer(
        SdpSessionDescription remoteOffer,
        SdpMediaCapabilities capabilities,
        SdpEndpoint local,
        SdpSessionVersion origin,
        bool forceNewVersion = false)
    {
        ArgumentNullException.ThrowIfNull(remoteOffer);
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(origin);
        var builder = SdpSessionBuilder.Create(origin.Origin)
            .SetConnection(ConnectionFor(local))
            .SetTimings(remoteOffer.Timings.Count == 0 ? [SdpTiming.Unbounded] : remoteOffer.Timings);
        int? audioIndex = null;
        var sawAudio = false;
        var sawLive = false;
        for (var i = 0; i < remoteOffer.Media.Count; i++)
        {
            var offered = remoteOffer.Media[i];
            sawLive |= !offered.IsRejected;
            sawAudio |= offered.IsAudio && !offered.IsRejected;
            if (audioIndex is null && IsCandidate(offered) && Choose(offered, capabilities) is { } choice)
            {
                audioIndex = i;
                var kept = offered.PayloadTypes
                    .Where(pt => offered.GetRtpMap(pt) is { IsTelephoneEvent: false } map && capabilities.Find(map) is not null)
                    .Distinct()
                    .ToList();
                if (choice.TelephoneEvent is { } te)
                {
                    kept.Add(te.PayloadType);
                }

                var media = builder.AddMedia(offered.Media, local.Port, offered.Protocol, kept.Select(pt => pt.ToString(CultureInfo.InvariantCulture)));
                foreach (var pt in kept)
                {
                    media.SetRtpMap(offered.GetRtpMap(pt)!);
                    media.SetFormatParameters(pt.ToString(CultureInfo.InvariantCulture), offered.GetFormatParameters(pt));
                }

                media.SetPacketTime(remoteOffer.GetPacketTime(offered)).SetMaxPacketTime(offered.MaxPacketTime);
                var direction = remoteOffer.GetDirection(offered);
                if (remoteOffer.GetConnection(offered) is { IsNullAddress: true })
                {
                    direction = direction.WithoutReceive();
                }

                media.SetDirection(direction);
                continue;
            }

            builder.AddMedia(offered.Media, 0, offered.Protocol, [offered.Formats[0]]);
        }

        if (audioIndex is null)
        {
            var (status, detail) = Refusal(remoteOffer, sawAudio, sawLive, capabilities);
            if (status != SdpNegotiationStatus.Accepted)
            {
                return new SdpOfferResult(status, null, null, detail);
            }
        }

        return new SdpOfferResult(SdpNegotiationStatus.Accepted, origin.Stamp(builder.Build(), forceNewVersion), audioIndex, string.Empty);
    }

    // Plain RTP/AVP audio with a port: the relay neither has SRTP keys nor sends AVPF feedback.
    private static bool IsCandidate(SdpMediaDescription media) => media.IsAudio && !media.IsRejected && media.IsRtpAvp;

    // The offerer's most preferred format that is one of our codecs (RFC 3264 §6.1: the answerer SHOULD keep
    // the offerer's preference), and telephone-event at that codec's clock rate if both sides have it.
    private static (SdpRtpMap Codec, SdpRtpMap? TelephoneEvent)? Choose(SdpMediaDescription offered, SdpMediaCapabilities capabilities)
    {
        SdpRtpMap? codec = null;
        foreach (var pt in offered.PayloadTypes)
        {
            if (offered.GetRtpMap(pt) is { IsTelephoneEvent: false } map && capabilities.Find(map) is not null)
            {
                codec = map;
                break;
            }
        }

        if (codec is null)
        {
            return null;
        }

        SdpRtpMap? telephoneEvent = null;
        if (capabilities.SupportsTelephoneEvent)
        {
            foreach (var pt in offered.PayloadTypes)
            {
                if (offered.GetRtpMap(pt) is { IsTelephoneEvent: true } map && map.ClockRate == codec.ClockRate)
                {
                    telephoneEvent = map;
                    break;
                }
            }
        }

        return (codec, telephoneEvent);
    }

    // Why nothing was taken from an offer: Accepted when there was nothing live to take (no streams, or all
    // port 0), which is answered in kind.
    private static (SdpNegotiationStatus Status, string Detail) Refusal(SdpSessionDescription offer, bool sawAudio, bool sawLive, SdpMediaCapabilities capabilities)
    {
        if (sawAudio)
        {
            var offeredAudio = offer.Media.Where(m => m.IsAudio && !m.IsRejected).ToList();
            var formats = string.Join(", ", offeredAudio.SelectMany(m => m.PayloadTypes.Select(pt => Describe(m, pt))).Distinct());
            var protocols = string.Join(", ", offeredAudio.Select(m => m.Protocol).Distinct());
            return offeredAudio.Any(m => m.IsRtpAvp)
                ? (SdpNegotiationStatus.NoCommonCodec, $"audio offered as {formats}; the relay carries {capabilities}")
                : (SdpNegotiationStatus.NoAudioStream, $"audio offered only over {protocols}; the relay speaks RTP/AVP");
        }

        return sawLive
            ? (SdpNegotiationStatus.NoAudioStream, "no audio stream offered: " + string.Join(", ", offer.Media.Where(m => !m.IsRejected).Select(m => m.Media + " " + m.Protocol)))
            : (SdpNegotiationStatus.Accepted, string.Empty);
    }

    private static string Describe(SdpMediaDescription media, int payloadType) =>
        media.GetRtpMap(payloadType) is { } map
            ? map.EncodingName + "/" + map.ClockRate.ToString(CultureInfo.InvariantCulture)
            : "PT " + payloadType.ToString(CultureInfo.InvariantCulture);

    // Our c= for the relay's address: IP4 or IP6 by the literal; a host name is taken as IP4, as RFC 8866 wants
    // the address type to say which family the name resolves to and the server's are IPv4.
    private static SdpConnection ConnectionFor(SdpEndpoint local)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(local.Port, nameof(local));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(local.Port, 65535, nameof(local));
        if (local.Address is null)
        {
            throw new ArgumentException("The local endpoint has no address.", nameof(local));
        }

        if (IPAddress.TryParse(local.Address, out var ip))
        {
            return SdpConnection.ForAddress(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
        }

        var connection = new SdpConnection("IN", "IP4", local.Address);
        SdpText.CheckConnection(connection, nameof(local));
        return connection;
    }
}
