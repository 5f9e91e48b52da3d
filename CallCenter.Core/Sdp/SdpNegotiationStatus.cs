namespace CallCenter.Core.Sdp;

// How an offer/answer step ended. Everything but Accepted means the description cannot be used: for a received
// offer the B2BUA answers 488 Not Acceptable Here (RFC 3261 §13.3.1.4; for a re-INVITE the old session then
// stays in force, §14.2); for a received answer it has to end or renegotiate the leg.
public enum SdpNegotiationStatus
{
    Accepted,

    // Audio was offered (or answered) but with no codec the relay carries.
    NoCommonCodec,

    // Streams were offered, none of them audio over plain RTP/AVP (video only, SRTP only, ...).
    NoAudioStream,

    // An answer whose m= lines do not match the offer's in number or media type (RFC 3264 §6).
    MediaMismatch,

    // An answer whose chosen codec was not in our offer (RFC 3264 §6.1).
    CodecNotOffered,

    // An answer that rejected (port 0) the audio stream we offered.
    AudioRejected,
}
