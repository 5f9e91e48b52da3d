namespace CallCenter.Core.Sip.Transport;

/// <summary>Transport settings that are not in callcenter.xml: outbound connections, UDP receive threads and the heartbeat period.</summary>
public sealed record SipTransportSettings
{
    /// <summary>Time allowed for TCP connect plus TLS handshake on an outbound connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Skip server certificate validation on outbound TLS. Tests only: it defeats TLS.</summary>
    public bool AcceptAnyServerCertificate { get; init; }

    /// <summary>Threads blocked in recvfrom on each UDP socket. The kernel hands each datagram to one of them, and the
    /// handler above does its work on that thread, so this is how many cores one UDP listener can keep busy.</summary>
    public int UdpReceiveThreads { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Kernel receive buffer asked for on each UDP socket. It is what absorbs a burst (every phone
    /// re-registering after a power cut) and the server's own short stalls (a garbage collection): at 40,000
    /// datagrams/s a 2 MB buffer holds about 25 ms of traffic. Linux caps an ordinary request at net.core.rmem_max;
    /// a process with CAP_NET_ADMIN (the service runs as root) is granted the full size with SO_RCVBUFFORCE.</summary>
    public int UdpReceiveBufferBytes { get; init; } = 8 << 20;

    /// <summary>How often the heartbeat checks connection deadlines.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
}
