namespace CallCenter.Core.Sdp;

// The outcome of deriving our offer to one leg from the offer another leg made: on Accepted, the offer to send
// (stamped with the leg's o=) and the index of the one audio stream left live in it, whose other streams are
// offered with port 0 so that the answer maps back m= line for m= line.
public sealed record SdpOfferResult(SdpNegotiationStatus Status, SdpSessionDescription? Offer, int? AudioIndex, string Detail)
{
    public bool IsAccepted => Status == SdpNegotiationStatus.Accepted;
}
