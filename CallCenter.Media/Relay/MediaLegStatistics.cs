using System.Net;

namespace CallCenter.Media.Relay;

/// <summary>
/// Counters of one leg (or a sum over legs). "In" is what the leg's phone sent to us, "out" what we sent to it.
/// Each value is read atomically, the set is not.
/// </summary>
public sealed record MediaLegStatistics
{
    public long PacketsIn { get; init; }
    public long BytesIn { get; init; }
    public long PacketsOut { get; init; }
    public long BytesOut { get; init; }

    /// <summary>Datagrams on the RTP port that are not RTP (bad version, truncated, RTCP on the RTP port).</summary>
    public long Garbage { get; init; }

    /// <summary>Valid RTP from a source other than the latched one: dropped (the anti-hijack rule).</summary>
    public long ForeignSource { get; init; }

    /// <summary>RTP with a payload type this leg did not negotiate.</summary>
    public long UnexpectedPayloadType { get; init; }

    /// <summary>RTP that arrived before this leg (or the leg it should go to) was configured, or events for a
    /// leg without telephone-event.</summary>
    public long NotForwarded { get; init; }

    public long SendFailures { get; init; }

    /// <summary>Times the leg latched to a source other than the SDP address, or moved between sources.</summary>
    public long LatchChanges { get; init; }

    /// <summary>Times the SSRC from this leg changed (re-INVITE, transfer); hidden from the other leg.</summary>
    public long SourceChanges { get; init; }

    public long Digits { get; init; }
    public long RtcpIn { get; init; }
    public long RtcpOut { get; init; }
    public long RtcpGarbage { get; init; }
    public long RtcpForeignSource { get; init; }
    public long ObserverFaults { get; init; }
    public long ReceiveErrors { get; init; }

    /// <summary>Where RTP for this leg goes now (latched source or SDP address); null before configuration.</summary>
    public IPEndPoint? Remote { get; init; }

    public bool Latched { get; init; }

    /// <summary>What the phone last reported about our stream in its RTCP (fraction lost /256, jitter in
    /// timestamp units); null until it sent a report about us.</summary>
    public byte? PeerFractionLost { get; init; }
    public uint? PeerJitter { get; init; }

    public static MediaLegStatistics Sum(MediaLegStatistics x, MediaLegStatistics y) => new()
    {
        PacketsIn = x.PacketsIn + y.PacketsIn,
        BytesIn = x.BytesIn + y.BytesIn,
        PacketsOut = x.PacketsOut + y.PacketsOut,
        BytesOut = x.BytesOut + y.BytesOut,
        Garbage = x.Garbage + y.Garbage,
        ForeignSource = x.ForeignSource + y.ForeignSource,
        UnexpectedPayloadType = x.UnexpectedPayloadType + y.UnexpectedPayloadType,
        NotForwarded = x.NotForwarded + y.NotForwarded,
        SendFailures = x.SendFailures + y.SendFailures,
        LatchChanges = x.LatchChanges + y.LatchChanges,
        SourceChanges = x.SourceChanges + y.SourceChanges,
        Digits = x.Digits + y.Digits,
        RtcpIn = x.RtcpIn + y.RtcpIn,
        RtcpOut = x.RtcpOut + y.RtcpOut,
        RtcpGarbage = x.RtcpGarbage + y.RtcpGarbage,
        RtcpForeignSource = x.RtcpForeignSource + y.RtcpForeignSource,
        ObserverFaults = x.ObserverFaults + y.ObserverFaults,
        ReceiveErrors = x.ReceiveErrors + y.ReceiveErrors,
    };
}
