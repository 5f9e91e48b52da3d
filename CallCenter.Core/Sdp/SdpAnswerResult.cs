namespace CallCenter.Core.Sdp;

// The outcome of answering a received offer: on Accepted, the answer to send (already stamped with the leg's
// o=) and the selection; Audio is null only for an offer with no live stream at all (RFC 4317 §5.1, or a
// re-offer that disables every stream), which is answered in kind. Otherwise Answer is null and Detail says why.
public sealed record SdpAnswerResult(SdpNegotiationStatus Status, SdpSessionDescription? Answer, SdpMediaSelection? Audio, string Detail)
{
    public bool IsAccepted => Status == SdpNegotiationStatus.Accepted;
}
