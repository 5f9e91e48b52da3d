using System.Net;
using System.Net.Sockets;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Rtp;

namespace CallCenter.Media.Relay;

/// <summary>
/// One leg of a relay. Its fields fall in three groups by who may touch them:
/// - <see cref="Destination"/>: replaced by compare-and-swap (Configure on the call loop, latching on the receive
///   loops), read by anyone with one volatile load;
/// - the per-source state (<see cref="Events"/>, <see cref="ReceiveStatistics"/>, <see cref="InBand"/>, the RTCP
///   schedule): owned by this leg's RTP receive loop alone; <see cref="Rewriter"/> is shared with the pacing loop
///   (frames played to the other leg) under <see cref="RewriterGate"/>;
/// - counters and time stamps: written with Interlocked/Volatile, read by the heartbeat and the console.
/// </summary>
internal sealed class MediaLeg
{
    private LegDestination? _destination;

    public MediaLeg(MediaLegSide side, RtpSocketPair? sockets, AddressFamily family, uint outgoingSsrc, ushort firstSequence, uint firstTimestamp)
    {
        Side = side;
        Sockets = sockets;
        Family = family;
        Rewriter = new RtpStreamRewriter(outgoingSsrc, firstSequence, firstTimestamp);
    }

    public MediaLegSide Side { get; }

    /// <summary>Null only in tests that drive the forwarding logic without sockets.</summary>
    public RtpSocketPair? Sockets { get; }

    public AddressFamily Family { get; }

    public MediaLegCounters Counters { get; } = new();

    public LegDestination? Destination => Volatile.Read(ref _destination);

    /// <summary>Rewrites what this leg's phone sends before it goes to the other leg; its SSRC is the one the
    /// other leg's phone sees from us.</summary>
    public RtpStreamRewriter Rewriter { get; }

    /// <summary>Serialises <see cref="Rewriter"/> between this leg's receive loop (relayed packets) and the pacing
    /// loop (frames generated for the other leg); uncontended except for the packet or two around a switch.</summary>
    public Lock RewriterGate { get; } = new();

    /// <summary>What this leg's phone is being played, or null when it hears the other leg. Set under the other
    /// leg's <see cref="RewriterGate"/> (so the switch is atomic with respect to that stream); read by the other
    /// leg's receive loop to stop forwarding, and by the pacing loop.</summary>
    public RelayPlayback? Playback;

    /// <summary>In-band DTMF detection on what this leg's phone sends, or null (the default). Replaced whole from the
    /// call loop; used only by this leg's receive loop.</summary>
    public InBandDigitDetection? InBand;

    public TelephoneEventReceiver Events { get; } = new();

    // RTP-loop-owned: the SSRC this leg's phone currently sends with.
    public bool HaveSource;
    public uint SourceSsrc;

    /// <summary>RTP-loop-owned buffer for the RTCP reports this server sends to the leg.</summary>
    public byte[] RtcpBuffer { get; } = new byte[256];

    public RtpReceiveStatistics ReceiveStatistics { get; } = new(8000);

    /// <summary>TimeProvider timestamp of the last accepted RTP packet (or of the last Configure).</summary>
    public long LastRtp;

    /// <summary>The <see cref="LastRtp"/> value a timeout was reported for; heartbeat-owned.</summary>
    public long TimeoutReportedFor = long.MinValue;

    /// <summary>The phone's last SR, published by the RTCP loop for the RTP loop's next report block.</summary>
    public SenderReportSeen? LastSenderReport;

    /// <summary>The phone's last report block about our stream, published by the RTCP loop.</summary>
    public PeerReportSeen? PeerReport;

    // RTP-loop-owned RTCP schedule and packets-sent mark (to tell SR from RR, §6.4).
    public TimeSpan NextRtcpDue;
    public long PacketsOutAtLastReport;

    public bool TrySwapDestination(LegDestination? expected, LegDestination replacement) =>
        ReferenceEquals(Interlocked.CompareExchange(ref _destination, replacement, expected), expected);

    public sealed record SenderReportSeen(RtcpSenderInfo Sender, TimeSpan Arrival);

    public sealed record PeerReportSeen(RtcpReportBlock Block);
}
