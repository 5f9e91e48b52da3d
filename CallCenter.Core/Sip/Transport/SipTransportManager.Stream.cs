using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using CallCenter.Core.Sip.Messages;

namespace CallCenter.Core.Sip.Transport;

public sealed partial class SipTransportManager
{
    /// <summary>Start small: most connections carry messages of a few hundred bytes, and 4,096 connections each
    /// holding a MaxMessageBytes buffer would cost 256 MB for nothing. The buffer grows up to the limit on demand.</summary>
    private const int InitialStreamBufferBytes = 4_096;

    /// <summary>Room for the CRLFs a framer skips in front of a message of the maximum size.</summary>
    private const int KeepAliveSlackBytes = 4;

    private static readonly ReadOnlyMemory<byte> Pong = "\r\n"u8.ToArray();

    private async Task AcceptAsync(SipListener listener)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.Socket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (SocketException) when (!token.IsCancellationRequested)
            {
                // Out of file descriptors or similar: back off instead of spinning on accept.
                Interlocked.Increment(ref _counters.ReceiveErrors);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), _time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }
            catch (SocketException)
            {
                return;
            }

            if (Interlocked.Increment(ref _inboundOpen) > Limits.MaxConnections)
            {
                Interlocked.Decrement(ref _inboundOpen);
                Reject(listener, socket);
                continue;
            }

            IPEndPoint remote;
            try
            {
                socket.NoDelay = true;
                remote = (IPEndPoint)socket.RemoteEndPoint!;
            }
            catch (SocketException)
            {
                // Reset between accept and here.
                Interlocked.Decrement(ref _inboundOpen);
                socket.Dispose();
                continue;
            }

            var connection = new SipStreamConnection(NextConnectionId(), listener, socket, remote, inbound: true, _time.GetTimestamp());
            if (listener.TlsOptions is not null)
            {
                connection.SetHandshakeStarted(_time.GetTimestamp());
            }

            _connections[connection.Id] = connection;
            Interlocked.Increment(ref _counters.ConnectionsAccepted);
            Interlocked.Increment(ref _counters.ConnectionsOpen);
            if (Volatile.Read(ref _disposed) != 0)
            {
                connection.TryClose(SipConnectionCloseReason.Shutdown);
            }

            // Off the accept loop: a connection whose data is already buffered would otherwise be read (and its
            // handler called) synchronously here, delaying every other accept.
            connection.Completion = Task.Run(() => RunConnectionAsync(connection, listener.TlsOptions), CancellationToken.None);
        }
    }

    private void Reject(SipListener listener, Socket socket)
    {
        // Counted before the reset goes out: whoever sees the connection closed must also see it counted.
        Interlocked.Increment(ref _counters.ConnectionsRejected);
        IPEndPoint? remote = null;
        try
        {
            remote = socket.RemoteEndPoint as IPEndPoint;

            // Linger 0 sends RST: the peer learns at once, and no TIME_WAIT state is kept for a connection that
            // never carried anything.
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already reset by the peer; closing is all that is left.
        }

        socket.Dispose();
        if (_logGate.ShouldLog(SipLogGate.Kind.ConnectionRejected, out var count))
        {
            SipTransportLog.ConnectionRejected(_logger, remote, listener, Limits.MaxConnections, count);
        }

        Report(new SipTransportError(SipTransportErrorKind.ConnectionRejected, null, remote));
    }

    /// <summary>
    /// The read loop of one connection: (TLS handshake,) read, frame, hand each whole message up in order. The buffer
    /// is bounded by MaxMessageBytes; the deadlines it stamps are enforced by the heartbeat.
    /// </summary>
    private async Task RunConnectionAsync(SipStreamConnection connection, SslServerAuthenticationOptions? tls)
    {
        var reason = SipConnectionCloseReason.Peer;
        var max = Limits.MaxMessageBytes;
        var capacity = max + KeepAliveSlackBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialStreamBufferBytes, capacity));
        try
        {
            if (tls is not null)
            {
                var ssl = new SslStream(connection.Stream, leaveInnerStreamOpen: false);
                try
                {
                    await ssl.AuthenticateAsServerAsync(tls, connection.Closing).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException
                                              or SocketException or ObjectDisposedException)
                {
                    reason = SipConnectionCloseReason.TlsHandshakeFailed;
                    await ssl.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                connection.Stream = ssl;
                connection.SetHandshakeStarted(SipStreamConnection.NotRunning);
                connection.Touch(_time.GetTimestamp());
            }

            // Reachable for SendAsync(destination) only now that the stream is final (after any handshake);
            // ConnectAsync registers outbound connections itself, before its first write.
            if (connection.Inbound)
            {
                _byRemote[KeyOf(connection.Flow)] = connection;
            }

            var start = 0;
            var end = 0;
            while (true)
            {
                var limit = Math.Min(buffer.Length, capacity);
                if (end == limit)
                {
                    if (start > 0)
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                    else if (limit < capacity)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, capacity));
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    else
                    {
                        // The framer should have said TooLarge already; the buffer bound holds regardless.
                        reason = SipConnectionCloseReason.Oversize;
                        return;
                    }

                    limit = Math.Min(buffer.Length, capacity);
                }

                var read = await connection.Stream.ReadAsync(buffer.AsMemory(end, limit - end), connection.Closing)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                var now = _time.GetTimestamp();
                connection.Touch(now);
                end += read;

                var completed = false;
                var sawPing = false;
                while (start < end)
                {
                    var frame = SipStreamFramer.Frame(buffer.AsSpan(start, end - start), max);
                    sawPing |= frame.SawPing;
                    if (frame.Status == SipFrameStatus.Complete)
                    {
                        var message = buffer.AsSpan(start + frame.KeepAliveLength, frame.MessageLength).ToArray();
                        start += frame.KeepAliveLength + frame.MessageLength;
                        completed = true;
                        Interlocked.Increment(ref _counters.StreamMessagesIn);
                        Deliver(message, connection.Flow);
                        continue;
                    }

                    if (frame.Status == SipFrameStatus.NeedMore)
                    {
                        start += frame.KeepAliveLength;
                        break;
                    }

                    // Nothing after a bad frame can be trusted: the boundary of the next message is unknown.
                    reason = frame.Status == SipFrameStatus.TooLarge ? SipConnectionCloseReason.Oversize : SipConnectionCloseReason.Malformed;
                    return;
                }

                if (sawPing)
                {
                    // RFC 5626 §4.4.1: a double-CRLF ping is answered with a single CRLF pong.
                    Interlocked.Increment(ref _counters.KeepAlives);
                    await connection.WriteAsync(Pong, _time, CancellationToken.None).ConfigureAwait(false);
                }

                if (start == end)
                {
                    start = end = 0;
                    connection.SetPartialSince(SipStreamConnection.NotRunning);
                }
                else if (completed || connection.PartialSince == SipStreamConnection.NotRunning)
                {
                    // §18.3 slowloris guard: the clock for a message starts with its first byte.
                    connection.SetPartialSince(now);
                }

                // Counted after the deadline stamps so that a reader of the counters sees them in place.
                Interlocked.Add(ref _counters.BytesIn, read);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            var socketError = (e as SocketException ?? e.InnerException as SocketException)?.SocketErrorCode;
            reason = socketError is SocketError.ConnectionReset or SocketError.ConnectionAborted
                ? SipConnectionCloseReason.Peer
                : SipConnectionCloseReason.Error;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Finish(connection, reason);
        }
    }

    /// <summary>Runs once per connection, at the end of its read loop. The first close reason recorded wins, so a
    /// connection the heartbeat cut reports Idle or PartialTimeout rather than the read error that followed.</summary>
    private void Finish(SipStreamConnection connection, SipConnectionCloseReason reason)
    {
        connection.TryClose(reason);
        var final = connection.CloseReason ?? reason;
        if (!_connections.TryRemove(connection.Id, out _))
        {
            return;
        }

        _byRemote.TryRemove(KeyValuePair.Create(KeyOf(connection.Flow), connection));
        Interlocked.Decrement(ref _counters.ConnectionsOpen);
        if (connection.Inbound)
        {
            Interlocked.Decrement(ref _inboundOpen);
        }

        _counters.CountClosed(final);
        if (final == SipConnectionCloseReason.Shutdown)
        {
            return;
        }

        if (LogKindFor(final) is { } kind && _logGate.ShouldLog(kind, out var count))
        {
            SipTransportLog.ConnectionClosed(_logger, connection.Flow, final, count);
        }

        // Reported even for an orderly close: registrations and dialogs bound to this flow need to know it ended.
        Report(new SipTransportError(SipTransportErrorKind.ConnectionClosed, connection.Flow, connection.Flow.Remote, final));
    }

    private static SipLogGate.Kind? LogKindFor(SipConnectionCloseReason reason) => reason switch
    {
        SipConnectionCloseReason.Idle => SipLogGate.Kind.ClosedIdle,
        SipConnectionCloseReason.PartialTimeout => SipLogGate.Kind.ClosedPartialTimeout,
        SipConnectionCloseReason.Oversize => SipLogGate.Kind.ClosedOversize,
        SipConnectionCloseReason.Malformed => SipLogGate.Kind.ClosedMalformed,
        SipConnectionCloseReason.TlsHandshakeFailed => SipLogGate.Kind.ClosedTlsHandshake,
        SipConnectionCloseReason.WriteStalled => SipLogGate.Kind.ClosedWriteStalled,
        _ => null,
    };

    private static StreamKey KeyOf(SipFlow flow) => new(flow.Transport, flow.Remote);
}
