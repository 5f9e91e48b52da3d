namespace CallCenter.Core.Sdp;

// What applies to one m= section once session-level defaults are taken into account (RFC 8866 §5.7, §6.7):
// a media-level value wins, the session-level one fills in, and the protocol default comes last.
public sealed partial class SdpSessionDescription
{
    // Media-level direction, else session-level, else sendrecv.
    public SdpDirection GetDirection(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Direction ?? Direction ?? SdpDirection.SendRecv;
    }

    // Media-level c=, else the session-level one; null only if neither exists (which the parser allows only for
    // a description without streams or with port 0 everywhere).
    public SdpConnection? GetConnection(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Connection ?? Connection;
    }

    // Media-level a=ptime, else a session-level one (not in RFC 8866's grammar, but some phones put it there).
    public TimeSpan? GetPacketTime(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        if (media.PacketTime is { } own)
        {
            return own;
        }

        return GetAttribute("ptime")?.Value is { } text
            && double.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            && ms > 0 && ms <= 10_000
                ? TimeSpan.FromMilliseconds(ms)
                : null;
    }

    // Where RTP for this stream goes; null when the stream is rejected or the address is the RFC 2543 "do not
    // send" 0.0.0.0.
    public SdpEndpoint? GetRtpEndpoint(SdpMediaDescription media)
    {
        var connection = GetConnection(media);
        if (media.IsRejected || connection is null || connection.IsNullAddress)
        {
            return null;
        }

        return new SdpEndpoint(connection.Address, media.Port);
    }

    // Where RTCP for this stream goes: a=rtcp (RFC 3605) with its own address if it gives one, else RTP port + 1
    // (RFC 3550 §11). rtcp-mux is not assumed: it only holds once both sides agreed, and the relay does not.
    public SdpEndpoint? GetRtcpEndpoint(SdpMediaDescription media)
    {
        if (GetRtpEndpoint(media) is not { } rtp)
        {
            return null;
        }

        if (media.Rtcp is { } rtcp)
        {
            if (rtcp.Connection is { } own)
            {
                return own.IsNullAddress ? null : new SdpEndpoint(own.Address, rtcp.Port);
            }

            return new SdpEndpoint(rtp.Address, rtcp.Port);
        }

        return rtp.Port == 65535 ? null : new SdpEndpoint(rtp.Address, rtp.Port + 1);
    }
}
