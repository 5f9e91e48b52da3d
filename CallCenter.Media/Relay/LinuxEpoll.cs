using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CallCenter.Media.Relay;

/// <summary>
/// The few Linux calls <see cref="RelayEventLoop"/> needs: epoll(7) to learn which sockets are readable, and an
/// eventfd(2) to wake the loop for registrations. Datagrams themselves go through <see cref="System.Net.Sockets.Socket"/>.
/// </summary>
internal static unsafe partial class LinuxEpoll
{
    /// <summary>EPOLL_CLOEXEC and EFD_CLOEXEC (both O_CLOEXEC).</summary>
    public const int CloseOnExec = 0x80000;

    /// <summary>EFD_NONBLOCK.</summary>
    public const int NonBlocking = 0x800;

    public const int Add = 1;
    public const int Delete = 2;

    /// <summary>EPOLLIN, level-triggered: a socket with data left is reported again by the next wait.</summary>
    public const uint Readable = 0x001;

    public const int Interrupted = 4; // EINTR

    /// <summary>struct epoll_event is packed on x86 (uint32 events, uint64 data at offset 4: 12 bytes); elsewhere
    /// the data is 8-byte aligned (16 bytes).</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86 ? 12 : 16;

    public static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int Control(int epoll, int operation, int fd, byte* eventData);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epoll, byte* events, int maxEvents, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Registers or removes <paramref name="fd"/> with <paramref name="token"/> as its event data.</summary>
    public static int Control(int epoll, int operation, int fd, uint events, ulong token)
    {
        var eventData = stackalloc byte[16];
        Unsafe.WriteUnaligned(eventData, events);
        Unsafe.WriteUnaligned(eventData + DataOffset, token);
        return Control(epoll, operation, fd, eventData);
    }
}
