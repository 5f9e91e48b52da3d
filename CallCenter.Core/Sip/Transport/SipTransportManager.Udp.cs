using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sip.Transport;

public sealed partial class SipTransportManager
{
    private const int DatagramReceiveBufferBytes = 1 << 20;

    private static void PrepareDatagramSocket(Socket socket)
    {
        // A burst of REGISTERs after a power cut arrives faster than one loop drains it; the kernel buffer absorbs
        // it (Linux clamps this to net.core.rmem_max).
        socket.ReceiveBufferSize = DatagramReceiveBufferBytes;
        if (OperatingSystem.IsWindows())
        {
            // SIO_UDP_CONNRESET off: otherwise an ICMP port unreachable for an earlier send fails the next receive.
            const int SioUdpConnReset = -1744830452;
            socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
        }
    }

    /// <summary>
    /// One loop per UDP socket: the handler sees the datagrams of that socket in arrival order. The buffer holds
    /// MaxMessageBytes + 1, so a datagram that fills it is known to be oversize without trusting any header.
    /// </summary>
    private async Task ReceiveDatagramsAsync(SipListener listener)
    {
        var socket = listener.Socket;
        var max = Limits.MaxMessageBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        var address = new SocketAddress(socket.AddressFamily);
        var lastAddress = new SocketAddress(socket.AddressFamily);
        IPEndPoint? lastRemote = null;
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                int received;
                try
                {
                    received = await socket.ReceiveFromAsync(buffer.AsMemory(0, max + 1), SocketFlags.None, address, token)
                        .ConfigureAwait(false);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused
                                                    or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                                                    or SocketError.MessageSize)
                {
                    // ICMP errors for an earlier send surface here on some systems; they say nothing about the
                    // next datagram.
                    Interlocked.Increment(ref _counters.ReceiveErrors);
                    if (_logGate.ShouldLog(SipLogGate.Kind.UdpReceiveError, out var count))
                    {
                        SipTransportLog.UdpReceiveError(_logger, e.SocketErrorCode, listener, count);
                    }

                    continue;
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException) when (token.IsCancellationRequested)
                {
                    return;
                }

                // Phones send from one address again and again: reuse the last IPEndPoint rather than allocate one
                // per datagram.
                if (lastRemote is null || !address.Equals(lastAddress))
                {
                    lastRemote = (IPEndPoint)listener.LocalEndPoint.Create(address);
                    address.Buffer.CopyTo(lastAddress.Buffer);
                    lastAddress.Size = address.Size;
                }

                var flow = new SipFlow(listener, lastRemote, 0);
                Interlocked.Increment(ref _counters.DatagramsIn);
                Interlocked.Add(ref _counters.BytesIn, received);
                if (received > max)
                {
                    Interlocked.Increment(ref _counters.OversizeDatagrams);
                    if (_logGate.ShouldLog(SipLogGate.Kind.OversizeDatagram, out var count))
                    {
                        SipTransportLog.OversizeDatagram(_logger, max, lastRemote, listener, count);
                    }

                    Report(new SipTransportError(SipTransportErrorKind.OversizeDatagram, flow, lastRemote));
                    continue;
                }

                if (IsKeepAlive(buffer.AsSpan(0, received)))
                {
                    // RFC 5626 §3.5.1 keep-alives (and empty datagrams) carry no message; nothing to hand up.
                    Interlocked.Increment(ref _counters.KeepAlives);
                    continue;
                }

                Deliver(buffer.AsSpan(0, received).ToArray(), flow);
            }
        }
        catch (Exception e)
        {
            // Only a bug gets here; the listener is then dead, so say so loudly.
            SipTransportLog.LoopFault(_logger, e, listener);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsKeepAlive(ReadOnlySpan<byte> datagram) => datagram.IndexOfAnyExcept("\r\n"u8) < 0;

    private async ValueTask<SipSendResult> SendDatagramAsync(
        SipListener listener, IPEndPoint remote, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (message.Length > MaxDatagramPayload)
        {
            return SipSendResult.TooLarge;
        }

        try
        {
            await listener.Socket.SendToAsync(message, SocketFlags.None, remote, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _counters.DatagramsOut);
            Interlocked.Add(ref _counters.BytesOut, message.Length);
            return SipSendResult.Sent;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _counters.SendFailures);
            return SipSendResult.SendFailed;
        }
    }
}
