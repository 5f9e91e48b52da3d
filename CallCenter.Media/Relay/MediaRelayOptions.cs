using System.Net;

namespace CallCenter.Media.Relay;

/// <summary>
/// What the relay needs to know, copied by the host from its own configuration (Media cannot see Core's options).
/// Immutable; <see cref="MediaRelayManager"/> checks it once and throws on nonsense, since that is a
/// configuration error found at start-up, not wire input.
/// </summary>
public sealed record MediaRelayOptions
{
    private const int MaxDefaultEventLoops = 4;
    private const int MaxEventLoops = 64;

    /// <summary>First port of the range. RTP takes even ports and RTCP the odd one above (RFC 3550 §11); an odd
    /// value is rounded up.</summary>
    public int PortMin { get; init; } = 20_000;

    /// <summary>Last port of the range (inclusive); a pair must fit below it.</summary>
    public int PortMax { get; init; } = 30_000;

    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Report a leg that sent no RTP for this long; zero switches the check off.</summary>
    public TimeSpan MediaTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>How often the one heartbeat checks every relay. A timeout is seen up to one interval late.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>On Linux, serve the relay sockets from dedicated epoll threads (<see cref="RelayEventLoop"/>)
    /// rather than the runtime's async sockets, whose hand-off of each packet to the thread pool costs more CPU than
    /// the relaying itself. Ignored elsewhere. Off only to compare the two or to work around a problem.</summary>
    public bool UseEventLoop { get; init; } = true;

    /// <summary>How many event loops (each a thread with its own epoll set) serve the relay sockets when
    /// <see cref="UseEventLoop"/> applies. A relay's four sockets all stay on one loop, so its two sides never share
    /// state across threads; new relays go to the loop serving the fewest. Zero (the default) means one per core up
    /// to four: one loop saturates a core at about 100,000 packets/s (≈ 900 calls), and beyond four the kernel's
    /// UDP work, not the loops, is what the cores run out of.</summary>
    public int EventLoops { get; init; }

    /// <summary><see cref="EventLoops"/> with the default resolved.</summary>
    public int EventLoopCount => EventLoops > 0 ? EventLoops : Math.Min(Environment.ProcessorCount, MaxDefaultEventLoops);

    /// <summary>Socket pairs of closed relays kept open for later relays (event loops only; at most half the port
    /// range): opening and closing four sockets per call is most of what a relay costs to set up. Zero switches the
    /// pool off.</summary>
    public int IdleSocketPairs { get; init; } = 4_096;

    /// <summary>How long a pair rests in the pool before a new call gets it, so that a phone still sending after its
    /// BYE does not reach the next call: a quarter of a second is many times a datagram's time in flight on a
    /// network that carries voice. The rest must stay short because the pool is bounded (by the descriptor limit
    /// too, see <see cref="MediaRelayManager.PoolCapacity"/>): a pair rests only if the pool can hold every pair
    /// released during the rest. At 2,000 calls/s (4,000 pairs a second) a 1 s rest needed 4,000 idle pairs where
    /// a 20,000-descriptor limit allows 2,500, so nearly no pair was ever reused and every call opened, bound and
    /// closed four sockets (socket churn was a tenth of the server's CPU). Stale datagrams are dropped before reuse
    /// either way.</summary>
    public TimeSpan SocketPairCoolDown { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Socket pairs the relays may hold open at once, in calls and idle in the pool; null (the default)
    /// derives it from the process's descriptor limit (see <see cref="MediaRelayManager.OpenPairBudget"/>).</summary>
    public int? MaxOpenSocketPairs { get; init; }

    /// <summary>The RTCP CNAME (RFC 3550 §6.5.1) this server uses in its reports.</summary>
    public string Cname { get; init; } = "callcenter";

    internal void Validate()
    {
        if (PortMin is < 1024 or > 65534 || PortMax is < 1025 or > 65535 || (PortMin + (PortMin & 1)) + 1 > PortMax)
        {
            throw new ArgumentException($"The RTP port range {PortMin}-{PortMax} must lie within 1024-65535 and hold at least one even/odd pair.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MediaTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(EventLoops);
        ArgumentOutOfRangeException.ThrowIfNegative(IdleSocketPairs);
        if (MaxOpenSocketPairs is { } budget)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(budget, 2, nameof(MaxOpenSocketPairs));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(SocketPairCoolDown, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EventLoops, MaxEventLoops);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatInterval, TimeSpan.Zero);
        if (Cname.Length is 0 or > 255 || !System.Text.Ascii.IsValid(Cname))
        {
            throw new ArgumentException("The RTCP CNAME must be 1-255 ASCII characters.");
        }
    }
}
