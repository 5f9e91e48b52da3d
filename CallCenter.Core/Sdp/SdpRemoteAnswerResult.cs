namespace CallCenter.Core.Sdp;

// The outcome of reading the answer to one of our offers: on Accepted, what the remote party chose. Audio is null
// only when our offer had no live audio stream.
public sealed record SdpRemoteAnswerResult(SdpNegotiationStatus Status, SdpMediaSelection? Audio, string Detail)
{
    public bool IsAccepted => Status == SdpNegotiationStatus.Accepted;
}
