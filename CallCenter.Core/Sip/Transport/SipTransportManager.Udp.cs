using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sip.Transport;

public sealed partial class SipTransportManager
{
    // setsockopt(SOL_SOCKET, SO_RCVBUFFORCE): like SO_RCVBUF but not capped by net.core.rmem_max (Linux, CAP_NET_ADMIN).
    private const int SocketLevel = 1;
    private const int ReceiveBufferForce = 33;

    private static void PrepareDatagramSocket(Socket socket, int receiveBufferBytes)
    {
        // The kernel buffer absorbs bursts and our own stalls (SipTransportSettings.UdpReceiveBufferBytes). The
        // forced size needs privileges; without them the plain request is clamped to net.core.rmem_max.
        var forced = false;
        if (OperatingSystem.IsLinux())
        {
            try
            {
                Span<byte> value = stackalloc byte[sizeof(int)];
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(value, receiveBufferBytes);
                socket.SetRawSocketOption(SocketLevel, ReceiveBufferForce, value);
                forced = true;
            }
            catch (SocketException)
            {
                // EPERM: not privileged. Fall back to the capped request below.
            }
        }

        if (!forced)
        {
            socket.ReceiveBufferSize = receiveBufferBytes;
        }

        if (OperatingSystem.IsWindows())
        {
            // SIO_UDP_CONNRESET off: otherwise an ICMP port unreachable for an earlier send fails the next receive.
            const int SioUdpConnReset = -1744830452;
            socket.IOControl(SioUdpConnReset, [0, 0, 0, 0], null);
        }
    }

    /// <summary>How long a blocked receive waits before it looks at the stop token: closing a socket does not
    /// reliably wake a thread blocked in recvfrom on every platform.</summary>
    private static readonly TimeSpan DatagramStopCheck = TimeSpan.FromSeconds(1);

    /// <summary>
    /// UDP sockets are read by dedicated threads blocked in recvfrom, not by async receives: an async receive costs
    /// the epoll thread's wake-up plus a thread-pool thread's for every datagram, which under a REGISTER storm was a
    /// large part of the CPU. Because the handler does its (bounded) work on the reading thread, a datagram is read,
    /// parsed and answered with no other thread woken. The socket must then stay in blocking mode: one async call on
    /// it would turn every later synchronous call into an emulated wait through the epoll thread, so UDP sends are
    /// synchronous too (a datagram send does not wait unless the kernel's send buffer is full).
    /// </summary>
    private IEnumerable<Task> StartDatagramThreads(SipListener listener)
    {
        listener.Socket.ReceiveTimeout = (int)DatagramStopCheck.TotalMilliseconds;
        for (var i = 0; i < Math.Max(1, _settings.UdpReceiveThreads); i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    ReceiveDatagrams(listener);
                }
                finally
                {
                    done.TrySetResult();
                }
            })
            {
                IsBackground = true,
                Name = $"SIP {listener.Transport.ToString().ToUpperInvariant()} {listener.LocalEndPoint} #{i}",
            };
            thread.Start();
            yield return done.Task;
        }
    }

    /// <summary>
    /// One receive thread. The buffer holds MaxMessageBytes + 1, so a datagram that fills it is known to be
    /// oversize without trusting any header.
    /// </summary>
    private void ReceiveDatagrams(SipListener listener)
    {
        var socket = listener.Socket;
        var max = Limits.MaxMessageBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        var address = new SocketAddress(socket.AddressFamily);
        var lastAddress = new SocketAddress(socket.AddressFamily);
        IPEndPoint? lastRemote = null;
        var token = _stopping.Token;
        var stamped = DatagramArrival.TryEnable(socket);
        try
        {
            while (!token.IsCancellationRequested)
            {
                int received;
                var waited = TimeSpan.Zero;
                try
                {
                    received = stamped
                        ? DatagramArrival.Receive(socket, buffer.AsSpan(0, max + 1), address, out waited)
                        : socket.ReceiveFrom(buffer.AsSpan(0, max + 1), SocketFlags.None, address);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
                {
                    continue;
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
                catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && token.IsCancellationRequested))
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
                _counters.CountWaited(waited);
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

                Deliver(buffer.AsSpan(0, received).ToArray(), flow, waited);
            }
        }
        catch (Exception e)
        {
            // Only a bug gets here; this receive thread is then dead, so say so loudly.
            SipTransportLog.LoopFault(_logger, e, listener);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsKeepAlive(ReadOnlySpan<byte> datagram) => datagram.IndexOfAnyExcept("\r\n"u8) < 0;

    /// <summary>Synchronous on purpose (see <see cref="StartDatagramThreads"/>); completes before it returns.</summary>
    private ValueTask<SipSendResult> SendDatagramAsync(SipListener listener, IPEndPoint remote, ReadOnlyMemory<byte> message)
    {
        if (message.Length > MaxDatagramPayload)
        {
            return ValueTask.FromResult(SipSendResult.TooLarge);
        }

        try
        {
            listener.Socket.SendTo(message.Span, SocketFlags.None, remote);
            Interlocked.Increment(ref _counters.DatagramsOut);
            Interlocked.Add(ref _counters.BytesOut, message.Length);
            return ValueTask.FromResult(SipSendResult.Sent);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _counters.SendFailures);
            return ValueTask.FromResult(SipSendResult.SendFailed);
        }
    }
}
