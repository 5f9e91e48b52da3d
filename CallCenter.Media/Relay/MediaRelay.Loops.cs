using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace CallCenter.Media.Relay;

public sealed partial class MediaRelay
{
    /// <summary>Larger than any RTP packet a phone sends (G.711 at 60 ms is 492 bytes); a datagram that fills the
    /// buffer is dropped as garbage without being looked at.</summary>
    internal const int ReceiveBufferLength = 2048;

    /// <summary>
    /// Without the event loop (<see cref="RelayEventLoop"/>: other systems, or switched off), one loop per RTP
    /// socket: datagrams of one leg are handled in arrival order, one at a time, which is what makes the leg's
    /// per-source state lock-free. The buffer and the source address are the loop's own and reused for every packet;
    /// the socket's awaitable receive and send arguments are cached by the runtime, so our code allocates nothing per
    /// packet (the runtime's own hand-off queue does when the thread pool falls behind: bench/RESULTS.md).
    /// </summary>
    private async Task ReceiveRtpAsync(MediaLeg leg)
    {
        var socket = leg.Sockets!.Rtp;
        var to = Other(leg);
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferLength);
        var source = new SocketAddress(socket.AddressFamily);
        var token = _closing.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var received = await ReceiveAsync(leg, socket, buffer, source, token);
                if (received == Closing)
                {
                    return;
                }

                if (received == Skip)
                {
                    continue;
                }

                var decision = Decide(leg, buffer, received, source);
                if (decision.Forward && await SendAsync(to, to.Sockets!.Rtp, buffer.AsMemory(0, decision.Length), decision.Destination!, token))
                {
                    CountForwarded(to, decision);
                }

                await SendReportIfDueAsync(leg, token);
            }
        }
        catch (Exception e)
        {
            MediaLog.LoopFault(_logger, e, Id, leg.Side);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReceiveRtcpAsync(MediaLeg leg)
    {
        var socket = leg.Sockets!.Rtcp;
        var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferLength);
        var source = new SocketAddress(socket.AddressFamily);
        var token = _closing.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var received = await ReceiveAsync(leg, socket, buffer, source, token);
                if (received == Closing)
                {
                    return;
                }

                if (received == Skip)
                {
                    continue;
                }

                try
                {
                    ProcessRtcp(leg, buffer.AsSpan(0, received), source);
                }
                catch (Exception e)
                {
                    MediaLog.LoopFault(_logger, e, Id, leg.Side);
                }
            }
        }
        catch (Exception e)
        {
            MediaLog.LoopFault(_logger, e, Id, leg.Side);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private const int Skip = -1;
    private const int Closing = -2;

    /// <summary>The next datagram's length; <see cref="Skip"/> after a transient error, <see cref="Closing"/> when
    /// the relay is closing. It suspends for nearly every packet, so its state machine comes from a pool rather
    /// than being boxed anew each time (measured: about 16 bytes per relayed packet without, none with).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(MediaLeg leg, Socket socket, byte[] buffer, SocketAddress source, CancellationToken token)
    {
        try
        {
            return await socket.ReceiveFromAsync(buffer.AsMemory(0, ReceiveBufferLength), SocketFlags.None, source, token);
        }
        catch (SocketException e) when (!token.IsCancellationRequested && IsTransientReceiveError(e.SocketErrorCode))
        {
            CountReceiveError(leg, e.SocketErrorCode);
            return Skip;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
                                      || (e is SocketException && token.IsCancellationRequested))
        {
            return Closing;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> SendAsync(MediaLeg to, Socket socket, ReadOnlyMemory<byte> datagram, SocketAddress destination, CancellationToken token)
    {
        try
        {
            await socket.SendToAsync(datagram, SocketFlags.None, destination, token);
            return true;
        }
        catch (SocketException e)
        {
            CountSendFailure(to, destination, e.SocketErrorCode);
            return false;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>What to do with the <paramref name="received"/> bytes in <paramref name="buffer"/>, on whichever thread
    /// reads the leg's RTP socket.</summary>
    private ForwardDecision Decide(MediaLeg leg, byte[] buffer, int received, SocketAddress source)
    {
        try
        {
            return received >= ReceiveBufferLength ? CountOversize(leg) : ProcessRtp(leg, buffer.AsSpan(0, received), source);
        }
        catch (Exception e)
        {
            // A bug in the packet logic costs this packet, not the call.
            MediaLog.LoopFault(_logger, e, Id, leg.Side);
            return ForwardDecision.Drop;
        }
    }

    private static void CountForwarded(MediaLeg to, ForwardDecision decision)
    {
        Interlocked.Increment(ref to.Counters.PacketsOut);
        Interlocked.Add(ref to.Counters.BytesOut, decision.Length);
        Interlocked.Add(ref to.Counters.PayloadOctetsOut, decision.PayloadLength);
    }

    /// <summary>ICMP errors for an earlier send surface on a later receive on some systems; they say nothing about
    /// the next datagram.</summary>
    private static bool IsTransientReceiveError(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.MessageSize;

    private void CountReceiveError(MediaLeg leg, SocketError error)
    {
        Interlocked.Increment(ref leg.Counters.ReceiveErrors);
        if (_logGate.ShouldLog(MediaLogGate.Kind.ReceiveError, out var count))
        {
            MediaLog.ReceiveError(_logger, Id, leg.Side, error, count);
        }
    }

    private void CountSendFailure(MediaLeg to, SocketAddress destination, SocketError error)
    {
        Interlocked.Increment(ref to.Counters.SendFailures);
        if (_logGate.ShouldLog(MediaLogGate.Kind.SendFailure, out var count))
        {
            MediaLog.SendFailed(_logger, Id, to.Side, EndPointOf(destination), error, count);
        }
    }

    private ForwardDecision CountOversize(MediaLeg leg)
    {
        Interlocked.Increment(ref leg.Counters.PacketsIn);
        Interlocked.Increment(ref leg.Counters.Garbage);
        return ForwardDecision.Drop;
    }
}
