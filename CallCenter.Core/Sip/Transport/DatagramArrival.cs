using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace CallCenter.Core.Sip.Transport;

/// <summary>
/// When a datagram reached this host, not when a receive thread got to it: on Linux the kernel stamps each datagram
/// (SO_TIMESTAMPNS) and recvmsg(2) hands the stamp over with the data. Under a storm a datagram may wait hundreds of
/// milliseconds in the socket's buffer behind others, and a client's retransmission that arrived before our final
/// response left is one the RFC has us absorb without answering (§17.2.2, Trying): only the arrival time tells it
/// from one sent because our response was lost. Socket offers no way to read ancillary data, hence the P/Invoke.
/// Linux stamps arriving packets only while some socket wants stamps, and switches that on from a work queue a moment
/// after the first asks: until then (the server's first milliseconds) a datagram is stamped when read and reports no
/// wait, which errs toward answering a retransmission again.
/// Elsewhere (or if the option is refused) the reader falls back to <see cref="Socket.ReceiveFrom(Span{byte}, SocketFlags, SocketAddress)"/>
/// and reports no waiting time.
/// </summary>
internal static unsafe partial class DatagramArrival
{
    private const int SocketLevel = 1;      // SOL_SOCKET
    private const int TimestampNs = 35;     // SO_TIMESTAMPNS, also the SCM_TIMESTAMPNS message type
    private const int ControlBytes = 64;    // one cmsghdr (16) and a timespec (16), with room to spare

    private const int Interrupted = 4;      // EINTR
    private const int BadDescriptor = 9;    // EBADF
    private const int TryAgain = 11;        // EAGAIN, EWOULDBLOCK: SO_RCVTIMEO ran out
    private const int NotSocket = 88;       // ENOTSOCK
    private const int MessageTooLong = 90;  // EMSGSIZE
    private const int NetworkUnreachable = 101;
    private const int ConnectionReset = 104;
    private const int ConnectionRefused = 111;
    private const int HostUnreachable = 113;

    /// <summary>Asks the kernel to stamp <paramref name="socket"/>'s datagrams; false where that is not available.</summary>
    public static bool TryEnable(Socket socket)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return false;
        }

        try
        {
            socket.SetRawSocketOption(SocketLevel, TimestampNs, [1, 0, 0, 0]);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// One datagram into <paramref name="buffer"/> (truncated to it, as recvfrom does), its source into
    /// <paramref name="address"/>, and how long it waited in the kernel before this call took it (zero when the
    /// kernel gave no stamp). Errors surface as the <see cref="SocketException"/> Socket would have thrown.
    /// </summary>
    public static int Receive(Socket socket, Span<byte> buffer, SocketAddress address, out TimeSpan waited)
    {
        var handle = socket.SafeHandle;
        var added = false;
        var control = stackalloc byte[ControlBytes];
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = (int)handle.DangerousGetHandle();
            fixed (byte* data = buffer)
            fixed (byte* name = address.Buffer.Span)
            {
                var vector = new IoVector { Base = data, Length = (nuint)buffer.Length };
                while (true)
                {
                    var header = new MessageHeader
                    {
                        Name = name,
                        NameLength = (uint)address.Buffer.Length,
                        Vector = &vector,
                        VectorLength = 1,
                        Control = control,
                        ControlLength = ControlBytes,
                    };
                    var received = ReceiveMessage(fd, &header, 0);
                    if (received >= 0)
                    {
                        address.Size = (int)header.NameLength;
                        waited = Waited(control, (int)header.ControlLength);
                        return (int)received;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != Interrupted)
                    {
                        throw new SocketException((int)ToSocketError(errno));
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>The time since the kernel's stamp, if the control data holds one (CLOCK_REALTIME, as DateTime.UtcNow).</summary>
    private static TimeSpan Waited(byte* control, int length)
    {
        // struct cmsghdr { size_t len; int level; int type; } then the data, 8-byte aligned on 64-bit Linux.
        for (var offset = 0; offset + 16 <= length;)
        {
            var size = (int)*(nuint*)(control + offset);
            if (size < 16)
            {
                break;
            }

            if (*(int*)(control + offset + 8) == SocketLevel && *(int*)(control + offset + 12) == TimestampNs && size >= 32)
            {
                var seconds = *(long*)(control + offset + 16);
                var nanoseconds = *(long*)(control + offset + 24);
                var arrived = DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100);
                return TimeSpan.FromTicks(Math.Max(0, DateTime.UtcNow.Ticks - arrived));
            }

            offset += (size + 7) & ~7;
        }

        return TimeSpan.Zero;
    }

    private static SocketError ToSocketError(int errno) => errno switch
    {
        TryAgain => SocketError.WouldBlock,
        BadDescriptor or NotSocket => SocketError.OperationAborted,
        MessageTooLong => SocketError.MessageSize,
        NetworkUnreachable => SocketError.NetworkUnreachable,
        ConnectionReset => SocketError.ConnectionReset,
        ConnectionRefused => SocketError.ConnectionRefused,
        HostUnreachable => SocketError.HostUnreachable,
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(int fd, MessageHeader* message, int flags);

    // struct msghdr and struct iovec of 64-bit Linux (sequential layout adds the padding after msg_namelen).
    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }
}
