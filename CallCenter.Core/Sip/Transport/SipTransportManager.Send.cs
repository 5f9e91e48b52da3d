using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using CallCenter.Core.Configuration;

namespace CallCenter.Core.Sip.Transport;

public sealed partial class SipTransportManager
{
    /// <summary>
    /// Sends on the flow a message came in on: UDP from that listener's socket (so the source port is the
    /// listener's), TCP/TLS on that very connection (RFC 3261 §18.2.2). A closed connection is not reopened
    /// here: the remote port of an inbound connection is the phone's ephemeral port, so the retry to the sent-by
    /// address is the layer above's decision. Safe from any thread; concurrent writes to one connection queue.
    /// </summary>
    public ValueTask<SipSendResult> SendAsync(SipFlow flow, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (!flow.IsStream)
        {
            return SendDatagramAsync(flow.Listener, flow.Remote, message);
        }

        return _connections.TryGetValue(flow.ConnectionId, out var connection) && !connection.IsClosed
            ? WriteAsync(connection, message, cancellationToken)
            : ValueTask.FromResult(SipSendResult.ConnectionClosed);
    }

    /// <summary>
    /// Sends to an address: UDP from the first UDP listener of the address family; TCP/TLS over an open connection
    /// to that exact endpoint if there is one (inbound or outbound), else over a new one from the first listener
    /// of that transport and family. <paramref name="tlsTargetHost"/> is the name the server certificate must carry
    /// (RFC 5922 §7.2); without it the address is used.
    /// </summary>
    public async ValueTask<SipSendResult> SendAsync(
        SipTransport transport,
        IPEndPoint remote,
        ReadOnlyMemory<byte> message,
        string? tlsTargetHost = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        var listener = FindListener(transport, remote.AddressFamily);
        if (listener is null)
        {
            return SipSendResult.NoListener;
        }

        if (transport == SipTransport.Udp)
        {
            return await SendDatagramAsync(listener, remote, message).ConfigureAwait(false);
        }

        var key = new StreamKey(transport, remote);
        if (!_byRemote.TryGetValue(key, out var connection) || connection.IsClosed)
        {
            // Concurrent senders to one endpoint share one connect rather than race to open several: the sender
            // whose claim lands in _connecting opens it, the others wait for its outcome.
            var claim = new TaskCompletionSource<SipStreamConnection?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var connecting = _connecting.GetOrAdd(key, claim.Task);
            if (connecting == claim.Task)
            {
                SipStreamConnection? opened = null;
                try
                {
                    opened = await OpenConnectionAsync(listener, key, tlsTargetHost).ConfigureAwait(false);
                }
                finally
                {
                    // The connection is in _byRemote (or the connect failed) before the claim goes, so a later
                    // sender finds one or the other, never neither.
                    _connecting.TryRemove(key, out _);
                    claim.SetResult(opened);
                }
            }

            connection = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                return SipSendResult.ConnectFailed;
            }
        }

        return await WriteAsync(connection, message, cancellationToken).ConfigureAwait(false);
    }

    private SipListener? FindListener(SipTransport transport, AddressFamily family)
    {
        foreach (var listener in _listeners)
        {
            if (listener.Transport == transport && listener.LocalEndPoint.AddressFamily == family)
            {
                return listener;
            }
        }

        return null;
    }

    private async ValueTask<SipSendResult> WriteAsync(SipStreamConnection connection, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (!await connection.WriteAsync(message, _time, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _counters.SendFailures);
            return connection.IsClosed ? SipSendResult.ConnectionClosed : SipSendResult.SendFailed;
        }

        Interlocked.Increment(ref _counters.StreamMessagesOut);
        Interlocked.Add(ref _counters.BytesOut, message.Length);
        return SipSendResult.Sent;
    }

    private async Task<SipStreamConnection?> OpenConnectionAsync(SipListener listener, StreamKey key, string? tlsTargetHost)
    {
        var remote = key.Remote;
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var local = listener.LocalEndPoint.Address;
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        SipStreamConnection? connection = null;
        try
        {
            if (!local.Equals(IPAddress.Any) && !local.Equals(IPAddress.IPv6Any))
            {
                // Leave from the configured address, so the phone sees the same host it registered with.
                socket.Bind(new IPEndPoint(local, 0));
            }

            await socket.ConnectAsync(remote, linked.Token).ConfigureAwait(false);
            connection = new SipStreamConnection(NextConnectionId(), listener, socket, remote, inbound: false, _time.GetTimestamp());
            if (key.Transport == SipTransport.Tls)
            {
                var ssl = new SslStream(connection.Stream, leaveInnerStreamOpen: false);
                var options = new SslClientAuthenticationOptions
                {
                    TargetHost = tlsTargetHost ?? remote.Address.ToString(),
                    CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                };
                if (_settings.AcceptAnyServerCertificate)
                {
                    options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
                }

                await ssl.AuthenticateAsClientAsync(options, linked.Token).ConfigureAwait(false);
                connection.Stream = ssl;
            }
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException or OperationCanceledException
                                      or ObjectDisposedException)
        {
            socket.Dispose();
            Interlocked.Increment(ref _counters.SendFailures);
            SipTransportLog.ConnectFailed(_logger, key.Transport, remote, e.Message);
            return null;
        }

        _connections[connection.Id] = connection;
        _byRemote[key] = connection;
        Interlocked.Increment(ref _counters.ConnectionsOpened);
        Interlocked.Increment(ref _counters.ConnectionsOpen);
        if (Volatile.Read(ref _disposed) != 0)
        {
            connection.TryClose(SipConnectionCloseReason.Shutdown);
        }

        // Responses to what we send come back on this connection (RFC 3261 §18.1.2), so it is read like any other.
        connection.Completion = Task.Run(() => RunConnectionAsync(connection, tls: null), CancellationToken.None);
        return connection;
    }
}
