namespace CallCenter.Core.Sdp;

// How a party said "hold" in its description of a stream.
public enum SdpHoldKind
{
    None,

    // a=sendonly (RFC 3264 §8.4): it keeps sending (music on hold) and will not receive.
    SendOnly,

    // a=inactive: nothing either way (what a held party holding back produces).
    Inactive,

    // c=0.0.0.0, RFC 2543's form, still sent by old phones: nothing is to be sent to it (RFC 3264 §8.4).
    NullConnection,
}
