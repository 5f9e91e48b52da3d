using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace CallCenter.Media.Relay;

/// <summary>
/// One dedicated thread that serves the sockets of the relays a manager gave it on Linux (a manager has one loop per
/// core up to <see cref="MediaRelayOptions.EventLoops"/>, and a relay's four sockets stay on one of them): it waits in epoll(7) until sockets are
/// readable and handles each readable datagram where it is (receive, decide, send), as a C relay does. The runtime's
/// async sockets instead have their own epoll thread hand every completion to a thread-pool worker; at 50 packets a
/// second per socket each packet then costs a wake-up and a context switch, which measured 2.5 times the CPU of the
/// whole relay work (bench/RESULTS.md, "RTP relay"). A thread of its own also keeps media off the thread pool that SIP
/// and the call loops use, so that neither can starve the other.
/// Registrations are commands: callers queue them, and only the loop thread changes epoll's interest list and the
/// slot table, between two batches of events. So no event is handled for a slot that was removed or reused, and a
/// relay may close its sockets once <see cref="RemoveAsync"/> completed. A loop that serves relays waits at most
/// <see cref="CommandLatencyMilliseconds"/> and runs the queued commands after every wait, so a command queued for it wakes
/// nothing; only a loop with nothing to serve sleeps without a limit and is woken through an eventfd. Waking the
/// loop for every relay opened and closed cost two context switches per call (3,000 wake-ups a second at 2,000
/// calls/s); a relay's sockets now start being read up to 10 ms after the relay opens (its datagrams wait in the
/// socket, nothing is lost) and are let go up to 10 ms after it closes.
/// Handlers run on this one thread for every call of the loop: they must not block.
/// </summary>
internal sealed class RelayEventLoop : IAsyncDisposable
{
    private const int MaxEvents = 256;
    private const ulong WakeToken = ulong.MaxValue;

    /// <summary>The longest a loop serving relays waits in epoll before it runs the commands queued meanwhile.</summary>
    private const int CommandLatencyMilliseconds = 10;

    private readonly ILogger _logger;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly ConcurrentQueue<Command> _commands = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;
    private int _relays;

    // 1 while the loop waits (or is about to) with a time limit: a command queued then needs no eventfd write.
    private int _timedWait;
    private long _wakes;

    // Owned by the loop thread.
    private readonly List<Registration?> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<MediaRelay, List<int>> _slotsByRelay = [];
    private readonly byte[] _buffer = new byte[MediaRelay.ReceiveBufferLength];
    private readonly SocketAddress _source;

    private RelayEventLoop(int epoll, int wake, AddressFamily family, int index, ILogger logger)
    {
        _epoll = epoll;
        _wake = wake;
        _logger = logger;
        _source = new SocketAddress(family);
        Index = index;
        var thread = new Thread(Run) { IsBackground = true, Name = $"Media relay event loop {index}" };
        thread.Start();
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>This loop's place among its manager's loops (for logs and statistics).</summary>
    public int Index { get; }

    /// <summary>Relays added and not yet removed: how the manager picks the least loaded loop. Counted when the
    /// command is queued, not when the loop runs it, so that relays created in a burst spread at once.</summary>
    public int Relays => Volatile.Read(ref _relays);

    /// <summary>Starts a loop for sockets of <paramref name="family"/>; null (and logged) if the kernel refuses an
    /// epoll or eventfd descriptor, in which case the relays use the runtime's async sockets.</summary>
    public static RelayEventLoop? TryStart(AddressFamily family, int index, ILogger logger)
    {
        if (!IsSupported)
        {
            return null;
        }

        var epoll = LinuxEpoll.Create(LinuxEpoll.CloseOnExec);
        if (epoll < 0)
        {
            MediaLog.EventLoopUnavailable(logger, "epoll_create1", Marshal.GetLastPInvokeError());
            return null;
        }

        var wake = LinuxEpoll.EventFd(0, LinuxEpoll.CloseOnExec | LinuxEpoll.NonBlocking);
        if (wake < 0 || LinuxEpoll.Control(epoll, LinuxEpoll.Add, wake, LinuxEpoll.Readable, WakeToken) != 0)
        {
            MediaLog.EventLoopUnavailable(logger, wake < 0 ? "eventfd" : "epoll_ctl", Marshal.GetLastPInvokeError());
            if (wake >= 0)
            {
                LinuxEpoll.Close(wake);
            }

            LinuxEpoll.Close(epoll);
            return null;
        }

        return new RelayEventLoop(epoll, wake, family, index, logger);
    }

    /// <summary>Starts serving the relay's four sockets, which must be non-blocking. From any thread.</summary>
    public void Add(MediaRelay relay)
    {
        Interlocked.Increment(ref _relays);
        Queue(new AddRelay(relay));
    }

    /// <summary>Completes once the loop will not touch the relay's sockets again (at once if the loop has ended).</summary>
    public Task RemoveAsync(MediaRelay relay)
    {
        Interlocked.Decrement(ref _relays);
        if (_stopped.Task.IsCompleted)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue(new RemoveRelay(relay, done));
        // If the loop ended between the check and the enqueue, nobody will run the command.
#pragma warning disable VSTHRD003 // Both are this loop's own promises; their continuations run asynchronously.
        return Task.WhenAny(done.Task, _stopped.Task);
#pragma warning restore VSTHRD003
    }

    /// <summary>Ends the thread (after the relays were removed) and closes the descriptors.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _commands.Enqueue(new Stop());
        Wake();
#pragma warning disable VSTHRD003 // The loop thread is this object's own; the promise runs continuations asynchronously.
        await _stopped.Task.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        LinuxEpoll.Close(_wake);
        LinuxEpoll.Close(_epoll);
    }

    /// <summary>Queues a command; wakes the loop only if it sleeps without a time limit. Either the loop, setting
    /// <see cref="_timedWait"/> before it looks at the queue, sees this command, or this sees the loop's flag.</summary>
    private void Queue(Command command)
    {
        _commands.Enqueue(command);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _timedWait) == 0)
        {
            Wake();
        }
    }

    /// <summary>Times a command wrote the eventfd (tests: commands for a busy loop must not).</summary>
    internal long Wakes => Interlocked.Read(ref _wakes);

    private unsafe void Wake()
    {
        Interlocked.Increment(ref _wakes);
        ulong one = 1;
        // Fails only if the counter would overflow, i.e. the loop is already due to wake.
        LinuxEpoll.Write(_wake, &one, sizeof(ulong));
    }

    private unsafe void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * LinuxEpoll.EventSize));
        try
        {
            var running = true;
            while (running)
            {
                // With relays to serve, wait with a limit and let commands queue without waking us (see the class
                // comment); without, sleep until a command wakes us. The flag is set before the queue is read.
                var timed = _slotsByRelay.Count > 0;
                Volatile.Write(ref _timedWait, timed ? 1 : 0);
                Interlocked.MemoryBarrier();
                var timeout = !_commands.IsEmpty ? 0 : timed ? CommandLatencyMilliseconds : -1;
                var count = LinuxEpoll.Wait(_epoll, events, MaxEvents, timeout);
                if (count < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == LinuxEpoll.Interrupted)
                    {
                        continue;
                    }

                    // EBADF, EFAULT or EINVAL: a bug, not a condition that passes. The relays stop forwarding and
                    // their calls end on the media timeout.
                    MediaLog.EventLoopFailed(_logger, errno);
                    return;
                }

                var woken = false;
                for (var i = 0; i < count; i++)
                {
                    var token = Unsafe.ReadUnaligned<ulong>(events + (i * LinuxEpoll.EventSize) + LinuxEpoll.DataOffset);
                    if (token == WakeToken)
                    {
                        woken = true;
                    }
                    else
                    {
                        Handle((int)token);
                    }
                }

                if (woken)
                {
                    ulong counter;
                    LinuxEpoll.Read(_wake, &counter, sizeof(ulong));
                }

                if (!_commands.IsEmpty)
                {
                    running = RunCommands();
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
            _stopped.TrySetResult();
            while (_commands.TryDequeue(out var command))
            {
                (command as RemoveRelay)?.Done.TrySetResult();
            }
        }
    }

    /// <summary>One readable socket: one datagram. The epoll set is level-triggered, so a socket with more queued
    /// is reported again by the next wait, after every other ready socket had its turn.</summary>
    private void Handle(int slot)
    {
        if (_slots[slot] is not { } registration)
        {
            return;
        }

        try
        {
            if (registration.Rtcp)
            {
                registration.Relay.OnRtcpReadable(registration.Leg, _buffer, _source);
            }
            else
            {
                registration.Relay.OnRtpReadable(registration.Leg, _buffer, _source);
            }
        }
        catch (Exception e)
        {
            // A bug in the packet logic costs this packet, not the loop every call shares.
            MediaLog.LoopFault(_logger, e, registration.Relay.Id, registration.Leg.Side);
        }
    }

    /// <summary>False once asked to stop.</summary>
    private bool RunCommands()
    {
        while (_commands.TryDequeue(out var command))
        {
            switch (command)
            {
                case AddRelay add:
                    Register(add.Relay);
                    break;
                case RemoveRelay remove:
                    Unregister(remove.Relay);
                    remove.Done.TrySetResult();
                    break;
                case Stop:
                    return false;
            }
        }

        return true;
    }

    private void Register(MediaRelay relay)
    {
        if (_slotsByRelay.ContainsKey(relay))
        {
            return;
        }

        var slots = new List<int>(4);
        _slotsByRelay[relay] = slots;
        foreach (var side in (ReadOnlySpan<MediaLegSide>)[MediaLegSide.A, MediaLegSide.B])
        {
            var leg = relay.Leg(side);
            foreach (var rtcp in (ReadOnlySpan<bool>)[false, true])
            {
                var socket = rtcp ? leg.Sockets!.Rtcp : leg.Sockets!.Rtp;
                var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : AddSlot();
                if (LinuxEpoll.Control(_epoll, LinuxEpoll.Add, (int)socket.Handle, LinuxEpoll.Readable, (ulong)slot) != 0)
                {
                    MediaLog.EventLoopRegisterFailed(_logger, relay.Id, side, Marshal.GetLastPInvokeError());
                    _freeSlots.Push(slot);
                    continue;
                }

                _slots[slot] = new Registration(relay, leg, rtcp, (int)socket.Handle);
                slots.Add(slot);
            }
        }
    }

    private int AddSlot()
    {
        _slots.Add(null);
        return _slots.Count - 1;
    }

    private void Unregister(MediaRelay relay)
    {
        if (!_slotsByRelay.Remove(relay, out var slots))
        {
            return;
        }

        foreach (var slot in slots)
        {
            // The socket is still open: its owner closes it only after this command completed.
            LinuxEpoll.Control(_epoll, LinuxEpoll.Delete, _slots[slot]!.Fd, 0, 0);
            _slots[slot] = null;
            _freeSlots.Push(slot);
        }
    }

    private sealed record Registration(MediaRelay Relay, MediaLeg Leg, bool Rtcp, int Fd);

    private abstract record Command;

    private sealed record AddRelay(MediaRelay Relay) : Command;

    private sealed record RemoveRelay(MediaRelay Relay, TaskCompletionSource Done) : Command;

    private sealed record Stop : Command;
}
