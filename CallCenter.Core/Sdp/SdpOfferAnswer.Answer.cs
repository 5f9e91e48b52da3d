using System.Globalization;

namespace CallCenter.Core.Sdp;

public static partial class SdpOfferAnswer
{
    // Answers a received offer (RFC 3264 §6): as many m= lines as offered, in the same order; the chosen audio
    // stream at our relay address and port with one codec (the offerer's favourite among ours, with the
    // offerer's payload type number, §6.1) and telephone-event echoed with the offerer's number and events; every
    // other stream, and every stream offered with port 0, rejected with port 0. t= repeats the offer's (§6).
    //
    // localDirection is what the server wants on this leg (sendrecv normally; sendonly to hold the party; for a
    // B2BUA answering on the other leg's behalf, that leg's choice reversed). The answer's direction is that,
    // narrowed by the offer's (§6.1: sendonly is answered recvonly or inactive, recvonly sendonly or inactive,
    // inactive inactive).
    public static SdpAnswerResult CreateAnswer(
        SdpSessionDescription offer,
        SdpMediaCapabilities capabilities,
        SdpEndpoint local,
        SdpSessionVersion origin,
        SdpDirection localDirection = SdpDirection.SendRecv)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(origin);
        var builder = SdpSessionBuilder.Create(origin.Origin)
            .SetConnection(ConnectionFor(local))
            .SetTimings(offer.Timings.Count == 0 ? [SdpTiming.Unbounded] : offer.Timings);
        SdpMediaSelection? selection = null;
        var sawAudio = false;
        var sawLive = false;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var offered = offer.Media[i];
            sawLive |= !offered.IsRejected;
            sawAudio |= offered.IsAudio && !offered.IsRejected;
            if (selection is null && IsCandidate(offered) && Choose(offered, capabilities) is { } choice)
            {
                var offeredDirection = offer.GetDirection(offered);
                var answered = offeredDirection.Reverse().Intersect(localDirection);
                var formats = new List<string> { choice.Codec.PayloadType.ToString(CultureInfo.InvariantCulture) };
                string? events = null;
                if (choice.TelephoneEvent is { } te)
                {
                    formats.Add(te.PayloadType.ToString(CultureInfo.InvariantCulture));
                    events = offered.GetFormatParameters(te.PayloadType);
                }

                var media = builder.AddMedia(offered.Media, local.Port, offered.Protocol, formats).SetRtpMap(choice.Codec);
                if (choice.TelephoneEvent is { } telephoneEvent)
                {
                    media.SetRtpMap(telephoneEvent).SetFormatParameters(formats[1], events);
                }

                media.SetPacketTime(capabilities.PacketTime).SetDirection(answered);
                var rtp = offer.GetRtpEndpoint(offered);
                selection = new SdpMediaSelection
                {
                    MediaIndex = i,
                    Codec = new SdpCodec(choice.Codec.EncodingName, choice.Codec.PayloadType, choice.Codec.ClockRate, choice.Codec.Channels),
                    ReceivePayloadType = choice.Codec.PayloadType,
                    TelephoneEventPayloadType = choice.TelephoneEvent?.PayloadType,
                    ReceiveTelephoneEventPayloadType = choice.TelephoneEvent?.PayloadType,
                    TelephoneEvents = events,
                    RemoteRtp = rtp,
                    RemoteRtcp = offer.GetRtcpEndpoint(offered),
                    RemoteOffersRtcpMux = offered.RtcpMux,
                    Direction = rtp is null ? answered.WithoutSend() : answered,
                    PacketTime = offer.GetPacketTime(offered) ?? SdpMediaCapabilities.DefaultPacketTime,
                    Hold = SdpHold.Detect(offer, offered),
                };
                continue;
            }

            // §6: a stream offered with port 0 is answered with port 0; one we do not take is rejected the same
            // way, keeping one of the offered formats since m= needs at least one.
            builder.AddMedia(offered.Media, 0, offered.Protocol, [offered.Formats[0]]);
        }

        if (selection is null)
        {
            var (status, detail) = Refusal(offer, sawAudio, sawLive, capabilities);
            if (status != SdpNegotiationStatus.Accepted)
            {
                return new SdpAnswerResult(status, null, null, detail);
            }
        }

        return new SdpAnswerResult(SdpNegotiationStatus.Accepted, origin.Stamp(builder.Build()), selection, string.Empty);
    }
}
