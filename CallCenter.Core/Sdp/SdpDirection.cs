namespace CallCenter.Core.Sdp;

// RFC 8866 §6.7: a stream's direction, always seen from the side whose description carries it
// ("sendonly" in Alice's SDP: Alice sends, Alice does not want to receive).
public enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

public static class SdpDirectionExtensions
{
    public static bool CanSend(this SdpDirection direction) => direction is SdpDirection.SendRecv or SdpDirection.SendOnly;

    public static bool CanReceive(this SdpDirection direction) => direction is SdpDirection.SendRecv or SdpDirection.RecvOnly;

    // The same stream seen from the other end: what one side sends the other receives.
    public static SdpDirection Reverse(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => direction,
    };

    // Both sides' wishes combined: a flow exists only if both allow it.
    public static SdpDirection Intersect(this SdpDirection direction, SdpDirection other) =>
        From(direction.CanSend() && other.CanSend(), direction.CanReceive() && other.CanReceive());

    public static SdpDirection WithoutSend(this SdpDirection direction) => From(false, direction.CanReceive());

    public static SdpDirection WithoutReceive(this SdpDirection direction) => From(direction.CanSend(), false);

    public static SdpDirection From(bool send, bool receive) => (send, receive) switch
    {
        (true, true) => SdpDirection.SendRecv,
        (true, false) => SdpDirection.SendOnly,
        (false, true) => SdpDirection.RecvOnly,
        _ => SdpDirection.Inactive,
    };

    public static string ToAttributeName(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    public static bool TryParse(ReadOnlySpan<char> attributeName, out SdpDirection direction)
    {
        // Compared without regard to case: some phones write "a=SendOnly", and nothing else could be meant.
        if (attributeName.Equals("sendrecv", StringComparison.OrdinalIgnoreCase))
        {
            direction = SdpDirection.SendRecv;
        }
        else if (attributeName.Equals("sendonly", StringComparison.OrdinalIgnoreCase))
        {
            direction = SdpDirection.SendOnly;
        }
        else if (attributeName.Equals("recvonly", StringComparison.OrdinalIgnoreCase))
        {
            direction = SdpDirection.RecvOnly;
        }
        else if (attributeName.Equals("inactive", StringComparison.OrdinalIgnoreCase))
        {
            direction = SdpDirection.Inactive;
        }
        else
        {
            direction = SdpDirection.SendRecv;
            return false;
        }

        return true;
    }
}
