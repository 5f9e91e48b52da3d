using System.Net;
using System.Net.Sockets;

namespace CallCenter.Media.Relay;

public sealed partial class MediaRelay
{
    /// <summary>
    /// The leg's RTP socket is readable: receive one datagram, decide, forward it from the other leg's socket, and
    /// send the leg its RTCP report if one is due, all synchronously on the <see cref="RelayEventLoop"/> thread
    /// (which also makes it the one thread that owns the leg's per-source state, as the receive loop otherwise is).
    /// The sockets are non-blocking; <paramref name="buffer"/> and <paramref name="source"/> are the loop's own.
    /// </summary>
    internal void OnRtpReadable(MediaLeg leg, byte[] buffer, SocketAddress source)
    {
        var received = ReceiveNow(leg, leg.Sockets!.Rtp, buffer, source);
        if (received < 0)
        {
            return;
        }

        var decision = Decide(leg, buffer, received, source);
        var to = Other(leg);
        if (decision.Forward && SendNow(to, to.Sockets!.Rtp, buffer.AsSpan(0, decision.Length), decision.Destination!))
        {
            CountForwarded(to, decision);
        }

        SendReportIfDueNow(leg);
    }

    /// <summary>The leg's RTCP socket is readable: one report in, on the event loop thread.</summary>
    internal void OnRtcpReadable(MediaLeg leg, byte[] buffer, SocketAddress source)
    {
        var received = ReceiveNow(leg, leg.Sockets!.Rtcp, buffer, source);
        if (received >= 0)
        {
            ProcessRtcp(leg, buffer.AsSpan(0, received), source);
        }
    }

    private int ReceiveNow(MediaLeg leg, Socket socket, byte[] buffer, SocketAddress source)
    {
        try
        {
            return socket.ReceiveFrom(buffer.AsSpan(0, ReceiveBufferLength), SocketFlags.None, source);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            // Readiness without data: nothing to do until the next event.
            return Skip;
        }
        catch (SocketException e) when (IsTransientReceiveError(e.SocketErrorCode))
        {
            CountReceiveError(leg, e.SocketErrorCode);
            return Skip;
        }
        catch (ObjectDisposedException)
        {
            return Closing;
        }
    }

    /// <summary>A datagram that does not fit the socket's send buffer now (WouldBlock) is dropped and counted, as
    /// the network would drop it: the one thread every call shares never waits.</summary>
    private bool SendNow(MediaLeg to, Socket socket, ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        try
        {
            socket.SendTo(datagram, SocketFlags.None, destination);
            return true;
        }
        catch (SocketException e)
        {
            CountSendFailure(to, destination, e.SocketErrorCode);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
