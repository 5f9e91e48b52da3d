using System.Net;
using System.Net.Sockets;

namespace CallCenter.Media.Relay;

/// <summary>
/// An immutable snapshot of where a leg's media goes and what it accepts: the settings of the last offer/answer
/// plus the latch state. Configure (call loop) and latching (the leg's receive loops) replace it with
/// compare-and-swap, so the packet path reads it with one volatile load and never locks.
/// </summary>
internal sealed class LegDestination
{
    private LegDestination(
        MediaLegSettings settings, int generation, SocketAddress sdpRtp, SocketAddress rtp, IPEndPoint rtpEndPoint, bool rtpLatched,
        SocketAddress rtcp, IPEndPoint rtcpEndPoint, bool rtcpLatched)
    {
        Settings = settings;
        Generation = generation;
        SdpRtpAddress = sdpRtp;
        RtpAddress = rtp;
        RtpEndPoint = rtpEndPoint;
        RtpLatched = rtpLatched;
        RtcpAddress = rtcp;
        RtcpEndPoint = rtcpEndPoint;
        RtcpLatched = rtcpLatched;
    }

    public MediaLegSettings Settings { get; }

    /// <summary>Counts Configure calls; a latch belongs to one generation (one offer/answer).</summary>
    public int Generation { get; }

    public SocketAddress SdpRtpAddress { get; }
    public SocketAddress RtpAddress { get; }
    public IPEndPoint RtpEndPoint { get; }
    public bool RtpLatched { get; }
    public SocketAddress RtcpAddress { get; }
    public IPEndPoint RtcpEndPoint { get; }
    public bool RtcpLatched { get; }

    public static LegDestination Configure(MediaLegSettings settings, LegDestination? previous, AddressFamily family)
    {
        var sdp = Fit(settings.RemoteRtp, family);
        var sdpRtcp = Fit(settings.EffectiveRemoteRtcp, family);
        var generation = (previous?.Generation ?? 0) + 1;
        // Re-offered to the same address: keep sending where the phone really is until it latches again, rather
        // than to an SDP address that may be a private one behind NAT.
        if (previous is not null && previous.Settings.RemoteRtp.Equals(settings.RemoteRtp))
        {
            return new LegDestination(
                settings, generation, sdp.Serialize(), previous.RtpAddress, previous.RtpEndPoint, false,
                previous.RtcpAddress, previous.RtcpEndPoint, false);
        }

        return new LegDestination(settings, generation, sdp.Serialize(), sdp.Serialize(), sdp, false, sdpRtcp.Serialize(), sdpRtcp, false);
    }

    /// <summary>Latched to where RTP really comes from. If that is not where SDP said, the phone is probably
    /// behind NAT and RTCP (unless it latched on its own) follows to the port above the RTP source; otherwise
    /// RTCP stays where SDP said (a=rtcp may name any port).</summary>
    public LegDestination LatchRtp(SocketAddress source, IPEndPoint sourceEndPoint)
    {
        var moved = !source.Equals(SdpRtpAddress);
        var rtcpEndPoint = RtcpLatched || !moved ? RtcpEndPoint : new IPEndPoint(sourceEndPoint.Address, Math.Min(sourceEndPoint.Port + 1, IPEndPoint.MaxPort));
        var rtcpAddress = RtcpLatched || !moved ? RtcpAddress : rtcpEndPoint.Serialize();
        return new LegDestination(Settings, Generation, SdpRtpAddress, Copy(source), sourceEndPoint, true, rtcpAddress, rtcpEndPoint, RtcpLatched);
    }

    public LegDestination LatchRtcp(SocketAddress source, IPEndPoint sourceEndPoint) =>
        new(Settings, Generation, SdpRtpAddress, RtpAddress, RtpEndPoint, RtpLatched, Copy(source), sourceEndPoint, true);

    /// <summary>The remote in the form the leg's socket speaks: IPv4 as mapped IPv6 on a dual-mode socket, mapped
    /// IPv6 as plain IPv4 on an IPv4 socket. A real IPv6 remote cannot be reached from an IPv4 socket.</summary>
    private static IPEndPoint Fit(IPEndPoint endPoint, AddressFamily family)
    {
        if (family == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            return new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
        }

        if (family == AddressFamily.InterNetwork && endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return endPoint.Address.IsIPv4MappedToIPv6
                ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port)
                : throw new ArgumentException($"{endPoint} is IPv6 but the media bind address is IPv4.", nameof(endPoint));
        }

        return endPoint;
    }

    private static SocketAddress Copy(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
