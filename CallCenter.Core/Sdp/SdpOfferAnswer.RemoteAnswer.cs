using System.Globalization;

namespace CallCenter.Core.Sdp;

public static partial class SdpOfferAnswer
{
    // Checks the answer to one of our offers (RFC 3264 §6, §7) and reads what the other side chose: the same m=
    // lines as offered, our live audio stream not rejected, and a codec we offered among the answered ones
    // (compared as a codec, so a renumbered dynamic type is fine, RFC 4317 §2.3). The chosen codec is the first
    // answered one that we offered: formats we never offered (comfort noise added by some gateways, or a whole
    // codec list repeated) are passed over rather than failing the call, and named in Detail.
    public static SdpRemoteAnswerResult ReadAnswer(SdpSessionDescription offer, SdpSessionDescription answer)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Media.Count != offer.Media.Count)
        {
            return Refused(SdpNegotiationStatus.MediaMismatch, $"{answer.Media.Count} m= lines answered to {offer.Media.Count} offered");
        }

        for (var i = 0; i < offer.Media.Count; i++)
        {
            if (!offer.Media[i].Media.Equals(answer.Media[i].Media, StringComparison.OrdinalIgnoreCase))
            {
                return Refused(SdpNegotiationStatus.MediaMismatch, $"m= line {i + 1} offered as {offer.Media[i].Media}, answered as {answer.Media[i].Media}");
            }
        }

        // Our live audio stream: the first one the answer did not reject (we offer one; RFC 4317 §2.6 shows
        // an offerer with two, of which the answerer took the second).
        var index = -1;
        var offeredAudio = false;
        for (var i = 0; i < offer.Media.Count; i++)
        {
            if (offer.Media[i].IsAudio && !offer.Media[i].IsRejected && offer.Media[i].IsRtp)
            {
                offeredAudio = true;
                if (!answer.Media[i].IsRejected)
                {
                    index = i;
                    break;
                }
            }
        }

        if (!offeredAudio)
        {
            return new SdpRemoteAnswerResult(SdpNegotiationStatus.Accepted, null, string.Empty);
        }

        if (index < 0)
        {
            return Refused(SdpNegotiationStatus.AudioRejected, "every offered audio stream was answered with port 0");
        }

        var offered = offer.Media[index];
        var answered = answer.Media[index];
        SdpRtpMap? codec = null;
        int? receivePayloadType = null;
        SdpRtpMap? telephoneEvent = null;
        var notOffered = new List<string>();
        foreach (var pt in answered.PayloadTypes)
        {
            // An answer without an rtpmap for a number it took from the offer means the offer's mapping.
            var map = answered.GetRtpMap(pt) ?? offered.GetRtpMap(pt);
            if (map is null)
            {
                notOffered.Add("PT " + pt.ToString(CultureInfo.InvariantCulture));
                continue;
            }

            if (map.IsTelephoneEvent)
            {
                telephoneEvent ??= map;
                continue;
            }

            if (FindOffered(offered, map) is not { } ours)
            {
                notOffered.Add(Describe(answered, pt));
                continue;
            }

            if (codec is null)
            {
                codec = map;
                receivePayloadType = ours;
            }
        }

        if (codec is null)
        {
            return notOffered.Count > 0
                ? Refused(SdpNegotiationStatus.CodecNotOffered, "answered only formats that were not offered: " + string.Join(", ", notOffered))
                : Refused(SdpNegotiationStatus.NoCommonCodec, "the audio stream was answered with no codec: " + string.Join(" ", answered.Formats));
        }

        int? receiveTelephoneEvent = null;
        if (telephoneEvent is not null && telephoneEvent.ClockRate == codec.ClockRate)
        {
            receiveTelephoneEvent = FindOffered(offered, telephoneEvent);
        }

        if (receiveTelephoneEvent is null)
        {
            telephoneEvent = null;
        }

        var rtp = answer.GetRtpEndpoint(answered);
        var direction = offer.GetDirection(offered).Intersect(answer.GetDirection(answered).Reverse());
        var selection = new SdpMediaSelection
        {
            MediaIndex = index,
            Codec = new SdpCodec(codec.EncodingName, codec.PayloadType, codec.ClockRate, codec.Channels),
            ReceivePayloadType = receivePayloadType!.Value,
            TelephoneEventPayloadType = telephoneEvent?.PayloadType,
            ReceiveTelephoneEventPayloadType = receiveTelephoneEvent,
            TelephoneEvents = telephoneEvent is null ? null : answered.GetFormatParameters(telephoneEvent.PayloadType.ToString(CultureInfo.InvariantCulture)),
            RemoteRtp = rtp,
            RemoteRtcp = answer.GetRtcpEndpoint(answered),
            RemoteOffersRtcpMux = answered.RtcpMux,
            Direction = rtp is null ? direction.WithoutSend() : direction,
            PacketTime = answer.GetPacketTime(answered) ?? SdpMediaCapabilities.DefaultPacketTime,
            Hold = SdpHold.Detect(answer, answered),
        };
        // §6.1 wants only offered formats in the answer; phones that answer with their whole list (RFC 4317 §3.2's
        // second answer does) still name one we offered, which is taken; the others are said in the detail.
        var note = notOffered.Count == 0 ? string.Empty : "ignored formats that were not offered: " + string.Join(", ", notOffered);
        return new SdpRemoteAnswerResult(SdpNegotiationStatus.Accepted, selection, note);
    }

    // The payload type our offer used for this codec: the same number if it maps to the same codec there, else
    // any offered number that does.
    private static int? FindOffered(SdpMediaDescription offered, SdpRtpMap answered)
    {
        if (offered.PayloadTypes.Contains(answered.PayloadType)
            && offered.GetRtpMap(answered.PayloadType) is { } same
            && same.SameCodec(answered.EncodingName, answered.ClockRate, answered.Channels))
        {
            return answered.PayloadType;
        }

        foreach (var pt in offered.PayloadTypes)
        {
            if (offered.GetRtpMap(pt) is { } map && map.SameCodec(answered.EncodingName, answered.ClockRate, answered.Channels))
            {
                return pt;
            }
        }

        return null;
    }

    private static SdpRemoteAnswerResult Refused(SdpNegotiationStatus status, string detail) => new(status, null, detail);
}
