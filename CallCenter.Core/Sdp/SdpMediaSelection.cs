namespace CallCenter.Core.Sdp;

// What one leg's audio stream settled on, seen from the server's side of that leg: everything the relay needs
// to send to and receive from that party.
public sealed record SdpMediaSelection
{
    // Index of the m= line in the descriptions.
    public required int MediaIndex { get; init; }

    // The codec, with the payload type number the remote party expects in the packets we send it.
    public required SdpCodec Codec { get; init; }

    // The number it puts on the packets it sends us (ours in our offer; the same as Codec's when we answered,
    // since the answer echoes the offer's numbers).
    public required int ReceivePayloadType { get; init; }

    // telephone-event (RFC 4733) when both sides have it: the number to send with, and the one to expect.
    public int? TelephoneEventPayloadType { get; init; }

    public int? ReceiveTelephoneEventPayloadType { get; init; }

    // The remote party's a=fmtp for telephone-event ("0-15"); null if it gave none (RFC 4733 §7.1.1: 0-15 then).
    public string? TelephoneEvents { get; init; }

    // Where to send RTP; null when the party must not be sent anything (c=0.0.0.0, RFC 3264 §8.4).
    public SdpEndpoint? RemoteRtp { get; init; }

    // a=rtcp (RFC 3605) if given, else RTP port + 1; null like RemoteRtp.
    public SdpEndpoint? RemoteRtcp { get; init; }

    // The party offered a=rtcp-mux (RFC 5761). The relay does not take it up, so RTCP stays on RemoteRtcp.
    public bool RemoteOffersRtcpMux { get; init; }

    // What the server may do on this leg: send (relay towards the party) and/or receive (from it). The SDP
    // direction exchange (RFC 3264 §6.1), less sending when the party's address is 0.0.0.0.
    public required SdpDirection Direction { get; init; }

    // The party's a=ptime: how it wants the packets we send it cut (the default when it gives none).
    public required TimeSpan PacketTime { get; init; }

    // How the party put the stream on hold in its description, if it did.
    public required SdpHoldKind Hold { get; init; }

    public bool IsHold => Hold != SdpHoldKind.None;
}
