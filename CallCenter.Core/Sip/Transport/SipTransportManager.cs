using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CallCenter.Core.Configuration;
using CallCenter.Core.Sip.Messages;
using Microsoft.Extensions.Logging;

namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// Owns every SIP socket: one per configured listener (UDP, TCP or TLS; IPv6 sockets are IPv6-only), the TCP/TLS
/// connections accepted or opened, and one heartbeat that enforces the connection deadlines. It hands complete
/// messages as bytes to an <see cref="ISipTransportHandler"/> and sends bytes. The only SIP it knows is where a
/// message ends on a stream, which it asks of <see cref="SipStreamFramer"/> (RFC 3261 §18.3).
/// Split by aspect: .Udp.cs, .Stream.cs (accept, read loop, framing), .Tls.cs, .Send.cs, .Heartbeat.cs.
/// </summary>
public sealed partial class SipTransportManager : ISipSender, IAsyncDisposable
{
    /// <summary>IPv4's largest UDP payload (65,535 - 8 UDP - 20 IP header bytes).</summary>
    private const int MaxDatagramPayload = 65_507;

    private readonly SipOptions _options;
    private readonly ISipTransportHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SipTransportSettings _settings;
    private readonly SipTransportCounters _counters = new();
    private readonly SipLogGate _logGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly ConcurrentDictionary<long, SipStreamConnection> _connections = new();
    private readonly ConcurrentDictionary<StreamKey, SipStreamConnection> _byRemote = new();
    private readonly ConcurrentDictionary<StreamKey, Task<SipStreamConnection?>> _connecting = new();
    private List<SipListener> _listeners = [];
    private ITimer? _heartbeat;
    private long _nextConnectionId;
    private int _inboundOpen;
    private int _started;
    private int _disposed;

    public SipTransportManager(
        SipOptions options,
        ISipTransportHandler handler,
        TimeProvider time,
        ILogger<SipTransportManager> logger,
        SipTransportSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _handler = handler;
        _time = time;
        _logger = logger;
        _settings = settings ?? new SipTransportSettings();
    }

    /// <summary>The bound listeners in configuration order; empty before <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<SipListener> Listeners => _listeners;

    public SipTransportStatistics Statistics => _counters.Snapshot();

    private SipLimitOptions Limits => _options.Limits;

    /// <summary>
    /// Binds every configured listener, then starts the receive and accept loops and the heartbeat. All or nothing:
    /// if any listener cannot be opened, those already bound are closed and a <see cref="SipListenerBindException"/>
    /// naming the listener is thrown.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The SIP transport is already started.");
        }

        var bound = new List<SipListener>();
        try
        {
            for (var i = 0; i < _options.Listeners.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bound.Add(Bind(_options.Listeners[i], i));
            }
        }
        catch
        {
            foreach (var listener in bound)
            {
                listener.Socket.Dispose();
            }

            throw;
        }

        _listeners = bound;
        foreach (var listener in bound)
        {
            SipTransportLog.Listening(_logger, listener);
            if (listener.Transport == SipTransport.Udp)
            {
                _loops.AddRange(StartDatagramThreads(listener));
            }
            else
            {
                _loops.Add(Task.Run(() => AcceptAsync(listener), CancellationToken.None));
            }
        }

        _heartbeat = _time.CreateTimer(
            static state => ((SipTransportManager)state!).Heartbeat(), this, _settings.HeartbeatInterval, _settings.HeartbeatInterval);
        return Task.CompletedTask;
    }

    private SipListener Bind(SipListenerOptions options, int index)
    {
        var tlsOptions = options.Transport == SipTransport.Tls ? LoadServerTls(options) : null;
        var endPoint = new IPEndPoint(options.Address, options.Port);
        var socket = options.Transport == SipTransport.Udp
            ? new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // One element is one socket: an IPv6 listener must not also take IPv4 traffic (a separate IPv4
                // element may bind the same port).
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only, true);
            }

            if (options.Transport == SipTransport.Udp)
            {
                PrepareDatagramSocket(socket, _settings.UdpReceiveBufferBytes);
                socket.Bind(endPoint);
            }
            else
            {
                socket.NoDelay = true;
                socket.Bind(endPoint);
                socket.Listen(512);
            }

            return new SipListener(options, index, socket) { TlsOptions = tlsOptions };
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var reason = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is already in use",
                SocketError.AddressNotAvailable => "the address is not one of this machine's",
                SocketError.AccessDenied => "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
                _ => $"{e.SocketErrorCode}: {e.Message}",
            };
            throw new SipListenerBindException(options, reason, e);
        }
    }

    private long NextConnectionId() => Interlocked.Increment(ref _nextConnectionId);

    /// <summary>Hands one message up. Runs on the receive loop that read it; a throwing handler costs that message
    /// only.</summary>
    private void Deliver(ReadOnlyMemory<byte> message, SipFlow flow, TimeSpan waited = default)
    {
        try
        {
            if (waited > TimeSpan.Zero)
            {
                _handler.OnMessageReceived(message, flow, waited);
            }
            else
            {
                _handler.OnMessageReceived(message, flow);
            }
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _counters.HandlerFaults);
            if (_logGate.ShouldLog(SipLogGate.Kind.HandlerFault, out var count))
            {
                SipTransportLog.HandlerFault(_logger, e, flow, count);
            }

            Report(new SipTransportError(SipTransportErrorKind.HandlerFault, flow, flow.Remote));
        }
    }

    private void Report(SipTransportError error)
    {
        try
        {
            _handler.OnTransportError(error);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _counters.HandlerFaults);
            if (_logGate.ShouldLog(SipLogGate.Kind.HandlerFault, out var count) && error.Flow is { } flow)
            {
                SipTransportLog.HandlerFault(_logger, e, flow, count);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var listener in _listeners)
        {
            listener.Socket.Dispose();
        }

        var pending = new List<Task>(_loops);
        foreach (var connection in _connections.Values)
        {
            connection.TryClose(SipConnectionCloseReason.Shutdown);
            pending.Add(connection.Completion);
        }

        // The loops catch their own exceptions; this only waits for them to finish.
        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.TlsOptions?.ServerCertificateContext?.TargetCertificate.Dispose();
        }

        SipTransportLog.Stopped(_logger);
    }

    private readonly record struct StreamKey(SipTransport Transport, IPEndPoint Remote);
}
