namespace CallCenter.Core.Sip.Transport;

/// <summary>Transport settings that are not in callcenter.xml: outbound connections, UDP receive threads and the heartbeat period.</summary>
public sealed record SipTransportSettings
{
    /// <summary>Time allowed for TCP connect plus TLS handshake on an outbound connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Skip server certificate validation on outbound TLS. Tests only: it defeats TLS.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>Threads blocked in recvfrom on each UDP socket. The kernel hands each datagram to one of them, and the
    /// handler above does its work on that thread, so this is how many cores one UDP listener can keep busy. Half
    /// the cores (1 to 4): the rest is for the calls' serial contexts, the media loops and the collector. One per
    /// core on the 2-core bench machine made the two threads take turns sleeping and waking for every other datagram;
    /// one thread, same run: REGISTER at 20,000/s 240,000 / 0 at 50.6 µs where two snowballed (14,583 failed), at
    /// 15,000/s 53.9-55.9 µs against 60.2-62.2 µs, calls at 2,500/s 477-516 µs against 508-564 µs
    /// (bench/RESULTS.md, session 8).</summary>
    public int UdpReceiveThreads { get; init; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    /// <summary>Kernel receive buffer asked for on each UDP socket. It is what absorbs a burst (every phone
    /// re-registering after a power cut) and the server's own short stalls (a garbage collection): at 40,000
    /// datagrams/s a 2 MB buffer holds about 25 ms of traffic. Linux caps an ordinary request at net.core.rmem_max;
    /// a process with CAP_NET_ADMIN (the service runs as root) is granted the full size with SO_RCVBUFFORCE.</summary>
    public int UdpReceiveBufferBytes { get; init; } = 8 << 20;

    /// <summary>How often the heartbeat checks connection deadlines.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
}
