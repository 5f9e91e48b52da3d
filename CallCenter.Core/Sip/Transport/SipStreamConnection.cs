using System.Net;
using System.Net.Sockets;

namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// One TCP or TLS connection. Its read loop (SipTransportManager.Stream.cs) owns the receive buffer; writers take
/// <see cref="_writeLock"/> so that messages never interleave on the wire; the heartbeat only reads the deadline
/// stamps and may call <see cref="TryClose"/>, which is safe from any thread.
/// </summary>
internal sealed class SipStreamConnection
{
    /// <summary>Stamp value meaning "no deadline running" (the fake clock legitimately starts at timestamp 0).</summary>
    public const long NotRunning = long.MinValue;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private int _closeReason = -1;
    private long _lastActivity;
    private long _partialSince = NotRunning;
    private long _handshakeStarted = NotRunning;
    private long _writeStarted = NotRunning;

    public SipStreamConnection(long id, SipListener listener, Socket socket, IPEndPoint remote, bool inbound, long now)
    {
        Id = id;
        Socket = socket;
        Inbound = inbound;
        Flow = new SipFlow(listener, remote, id);
        _lastActivity = now;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public long Id { get; }
    public SipFlow Flow { get; }
    public Socket Socket { get; }
    public bool Inbound { get; }

    /// <summary>The plain NetworkStream, replaced by the SslStream once a TLS handshake has completed; set before
    /// the connection becomes reachable for writers.</summary>
    public Stream Stream { get; set; }

    /// <summary>The read loop, awaited on shutdown.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    public CancellationToken Closing => _closing.Token;

    public bool IsClosed => Volatile.Read(ref _closeReason) >= 0;

    public SipConnectionCloseReason? CloseReason =>
        Volatile.Read(ref _closeReason) is var r and >= 0 ? (SipConnectionCloseReason)r : null;

    public long LastActivity => Volatile.Read(ref _lastActivity);
    public long PartialSince => Volatile.Read(ref _partialSince);
    public long HandshakeStarted => Volatile.Read(ref _handshakeStarted);
    public long WriteStarted => Volatile.Read(ref _writeStarted);

    public void Touch(long now) => Volatile.Write(ref _lastActivity, now);

    public void SetPartialSince(long stamp) => Volatile.Write(ref _partialSince, stamp);

    public void SetHandshakeStarted(long stamp) => Volatile.Write(ref _handshakeStarted, stamp);

    /// <summary>Records why the connection ends (the first reason wins) and tears the socket down, which wakes a
    /// pending read or write. Returns false when it was already closing.</summary>
    public bool TryClose(SipConnectionCloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, (int)reason, -1) != -1)
        {
            return false;
        }

        _closing.Cancel();
        Socket.Dispose();
        return true;
    }

    /// <summary>Writes one whole message. Serialized per connection so concurrent senders never interleave bytes;
    /// the caller's token only applies while waiting for the lock, because a write cut off halfway would corrupt
    /// the stream. A write the peer does not drain is ended by the heartbeat (WriteStalled).</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> message, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        try
        {
            if (IsClosed)
            {
                return false;
            }

            Volatile.Write(ref _writeStarted, time.GetTimestamp());
            await Stream.WriteAsync(message, Closing).ConfigureAwait(false);
            Touch(time.GetTimestamp());
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            TryClose(SipConnectionCloseReason.Error);
            return false;
        }
        finally
        {
            Volatile.Write(ref _writeStarted, NotRunning);
            _writeLock.Release();
        }
    }
}
