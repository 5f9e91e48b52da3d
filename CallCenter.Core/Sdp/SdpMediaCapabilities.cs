using System.Globalization;

namespace CallCenter.Core.Sdp;

// What the server's relay accepts on a leg: the codecs (in our order of preference, used only when we offer),
// telephone-event (RFC 4733) with the payload type we use in our own offers and the events we list, and the
// packet time we ask for. Immutable; Restrict() and For() derive per-leg variants.
public sealed class SdpMediaCapabilities
{
    // RFC 3551 §4.5: 20 ms is the default packetization for the audio codecs the relay carries.
    public static readonly TimeSpan DefaultPacketTime = TimeSpan.FromMilliseconds(20);

    public SdpMediaCapabilities(IEnumerable<SdpCodec> codecs, int? telephoneEventPayloadType = 101, string telephoneEvents = "0-16", TimeSpan? packetTime = null)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        ArgumentNullException.ThrowIfNull(telephoneEvents);
        var list = codecs.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one codec is needed.", nameof(codecs));
        }

        foreach (var codec in list)
        {
            if (!SdpSyntax.IsToken(codec.Name) || codec.PayloadType is < 0 or > 127 || codec.ClockRate <= 0 || codec.Channels <= 0)
            {
                throw new ArgumentException($"{codec} is not a valid RTP codec.", nameof(codecs));
            }

            if (list.Count(c => c.PayloadType == codec.PayloadType) > 1 || list.Count(c => c.SameCodec(codec)) > 1)
            {
                throw new ArgumentException($"{codec} is listed twice.", nameof(codecs));
            }
        }

        if (telephoneEventPayloadType is { } te && (te is < 96 or > 127 || list.Any(c => c.PayloadType == te)))
        {
            throw new ArgumentException("telephone-event needs a dynamic payload type (96-127) no codec uses.", nameof(telephoneEventPayloadType));
        }

        SdpText.CheckValue(telephoneEvents, nameof(telephoneEvents));
        var ptime = packetTime ?? DefaultPacketTime;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ptime, TimeSpan.Zero, nameof(packetTime));

        Codecs = list;
        TelephoneEventPayloadType = telephoneEventPayloadType;
        TelephoneEvents = telephoneEvents;
        PacketTime = ptime;
    }

    // PCMU, PCMA, telephone-event 101 with events 0-16 (the DTMF digits, * # A-D and flash), 20 ms.
    public static SdpMediaCapabilities Default { get; } = new([SdpCodec.Pcmu, SdpCodec.Pcma]);

    public IReadOnlyList<SdpCodec> Codecs { get; }

    // Null: telephone-event is neither offered nor accepted.
    public int? TelephoneEventPayloadType { get; }

    public string TelephoneEvents { get; }

    public TimeSpan PacketTime { get; }

    public bool SupportsTelephoneEvent => TelephoneEventPayloadType is not null;

    public SdpCodec? Find(SdpRtpMap rtpMap)
    {
        foreach (var codec in Codecs)
        {
            if (codec.SameCodec(rtpMap))
            {
                return codec;
            }
        }

        return null;
    }

    // Only the named codecs, in our order (a leg configured "PCMA only"). Throws if none of ours is named: a
    // leg that can accept nothing is a configuration mistake to catch at start, not a 488 on every call.
    public SdpMediaCapabilities Restrict(IEnumerable<string> codecNames)
    {
        ArgumentNullException.ThrowIfNull(codecNames);
        var names = codecNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var kept = Codecs.Where(c => names.Contains(c.Name)).ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException($"None of {string.Join(", ", names)} is among {string.Join(", ", Codecs.Select(c => c.Name))}.", nameof(codecNames));
        }

        return new SdpMediaCapabilities(kept, TelephoneEventPayloadType, TelephoneEvents, PacketTime);
    }

    public SdpMediaCapabilities WithoutTelephoneEvent() => new(Codecs, null, TelephoneEvents, PacketTime);

    // Narrowed to what one leg settled on, to answer the other leg with it: media is relayed, not transcoded,
    // so leg A may only get the codec leg B chose, and telephone-event only if B took it.
    public SdpMediaCapabilities For(SdpMediaSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var ours = Codecs.FirstOrDefault(c => c.SameCodec(selection.Codec))
            ?? throw new ArgumentException($"{selection.Codec} is not one of these capabilities' codecs.", nameof(selection));
        var te = selection.TelephoneEventPayloadType is null ? null : TelephoneEventPayloadType;
        return new SdpMediaCapabilities([ours], te, selection.TelephoneEvents ?? TelephoneEvents, PacketTime);
    }

    public override string ToString() =>
        string.Join(" ", Codecs.Select(c => c.Name))
        + (TelephoneEventPayloadType is { } te ? " telephone-event/" + te.ToString(CultureInfo.InvariantCulture) : string.Empty);
}
