using System.Net;

namespace CallCenter.Media.Relay;

/// <summary>What the forwarding logic decided for one datagram: send <see cref="Length"/> bytes (of which
/// <see cref="PayloadLength"/> are payload, for the SR octet count) to <see cref="Destination"/>, or drop it.</summary>
internal readonly record struct ForwardDecision(int Length, int PayloadLength, SocketAddress? Destination)
{
    public static ForwardDecision Drop => default;

    public bool Forward => Length > 0;
}
