using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CallCenter.Server.Service;

/// <summary>
/// Speaks the sd_notify(3) protocol: one "VARIABLE=value" datagram per state change, sent to the unix datagram
/// socket systemd names in NOTIFY_SOCKET. A name starting with '@' is in the abstract namespace, where the
/// address begins with a NUL byte instead. With no NOTIFY_SOCKET (not started by systemd, or Type= is not
/// notify) every call is a no-op.
/// Callable from any thread. It never throws into the caller: a notification is advice to systemd, and losing
/// one must not take a call down with it. The first failure is logged, later ones are counted only.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly object _gate = new();
    private readonly ILogger _logger;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private Socket? _socket;
    private bool _failureLogged;
    private bool _disposed;
    private long _failures;

    public SystemdNotifier(string? notifySocket, ILogger<SystemdNotifier> logger)
    {
        _logger = logger;
        SocketName = notifySocket;
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        if (notifySocket[0] is not ('/' or '@'))
        {
            // Newer systemd may hand out vsock: addresses to virtual machines; those are not for us.
            ServiceLog.NotifySocketUnsupported(logger, notifySocket);
            return;
        }

        try
        {
            _endPoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        }
        catch (ArgumentException ex)
        {
            // Longer than sun_path allows.
            ServiceLog.NotifyFailed(logger, notifySocket, ex);
            _failureLogged = true;
        }
    }

    public static SystemdNotifier FromEnvironment(ILogger<SystemdNotifier> logger) =>
        new(Environment.GetEnvironmentVariable(SocketVariable), logger);

    public string? SocketName { get; }

    public bool IsEnabled => _endPoint is not null;

    /// <summary>Notifications that could not be delivered since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public bool Ready() => Notify("READY=1");

    public bool Stopping() => Notify("STOPPING=1");

    public bool Reloading() => Notify("RELOADING=1");

    public bool Watchdog() => Notify("WATCHDOG=1");

    /// <summary>Free text shown by <c>systemctl status</c>; one line.</summary>
    public bool Status(string text) => Notify("STATUS=" + text.ReplaceLineEndings(" "));

    public bool MainPid(int processId) => Notify("MAINPID=" + processId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends one datagram of newline-separated assignments; true when the kernel accepted it.</summary>
    public bool Notify(string assignments)
    {
        if (_endPoint is null)
        {
            return false;
        }

        var datagram = Encoding.UTF8.GetBytes(assignments);
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            try
            {
                // Non-blocking: should systemd stop reading, a full socket buffer must cost us a lost
                // notification, never a stalled thread.
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
                _socket.SendTo(datagram, SocketFlags.None, _endPoint);
                return true;
            }
            catch (SocketException ex)
            {
                Failed(ex);
                return false;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _socket?.Dispose();
            _socket = null;
        }
    }

    private void Failed(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        if (!_failureLogged)
        {
            _failureLogged = true;
            ServiceLog.NotifyFailed(_logger, SocketName ?? string.Empty, exception);
        }
    }
}
