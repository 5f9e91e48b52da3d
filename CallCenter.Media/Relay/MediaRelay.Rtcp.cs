using System.Diagnostics.CodeAnalysis;
using System.Net;
using CallCenter.Media.Rtp;

namespace CallCenter.Media.Relay;

public sealed partial class MediaRelay
{
    /// <summary>RFC 3550 §6.2's minimum interval; each report is scheduled at 0.5-1.5 times it (§6.3.1).</summary>
    internal static readonly TimeSpan RtcpInterval = TimeSpan.FromSeconds(5);

    private static readonly DateTimeOffset NtpEpoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Reads what a phone reports on its leg's RTCP socket. RTCP is not forwarded: the far phone receives our
    /// rewritten stream, so the near phone's reports about its own SSRCs would mean nothing there. Instead the
    /// phone's view of our stream is kept (loss, jitter) and its SRs feed LSR/DLSR of our next report. The RTCP
    /// source latches like RTP (once per Configure, others counted and dropped). Runs on the leg's RTCP loop.
    /// </summary>
    internal void ProcessRtcp(MediaLeg leg, ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        var counters = leg.Counters;
        if (!RtcpCompoundPacket.TryRead(datagram, out var compound, out var reason))
        {
            Interlocked.Increment(ref counters.RtcpGarbage);
            if (_logGate.ShouldLog(MediaLogGate.Kind.RtcpGarbage, out var count))
            {
                MediaLog.RtcpGarbage(_logger, Id, leg.Side, reason, count);
            }

            return;
        }

        var current = leg.Destination;
        if (current is null)
        {
            return;
        }

        if (!current.RtcpLatched)
        {
            if (!leg.TrySwapDestination(current, current.LatchRtcp(source, EndPointOf(source))))
            {
                // Raced with Configure or the RTP latch; the next report will latch.
                return;
            }
        }
        else if (!source.Equals(current.RtcpAddress))
        {
            Interlocked.Increment(ref counters.RtcpForeignSource);
            return;
        }

        Interlocked.Increment(ref counters.RtcpIn);
        var ours = Other(leg).Rewriter.Ssrc;
        var arrival = _time.GetElapsedTime(_started);
        foreach (var packet in compound)
        {
            if (!packet.TryGetReport(out var report))
            {
                continue;
            }

            if (report.IsSenderReport)
            {
                Volatile.Write(ref leg.LastSenderReport, new MediaLeg.SenderReportSeen(report.SenderInfo, arrival));
            }

            for (var i = 0; i < report.BlockCount; i++)
            {
                var block = report.GetBlock(i);
                if (block.Ssrc == ours)
                {
                    Volatile.Write(ref leg.PeerReport, new MediaLeg.PeerReportSeen(block));
                }
            }
        }
    }

    /// <summary>
    /// Sends our report to the leg's phone when one is due: an SR if we sent it media since the last report,
    /// otherwise an RR, with a report block about the stream it sends us, and our CNAME. Runs on the leg's RTP
    /// loop after a packet (so a leg that sends nothing gets no reports; the media timeout covers that case).
    /// </summary>
    private async ValueTask SendReportIfDueAsync(MediaLeg leg, CancellationToken token)
    {
        if (TryTakeReport(leg, out var length, out var destination)
            && await SendAsync(leg, leg.Sockets!.Rtcp, leg.RtcpBuffer.AsMemory(0, length), destination, token))
        {
            Interlocked.Increment(ref leg.Counters.RtcpOut);
        }
    }

    /// <summary>The same, on the event loop.</summary>
    private void SendReportIfDueNow(MediaLeg leg)
    {
        if (TryTakeReport(leg, out var length, out var destination) && SendNow(leg, leg.Sockets!.Rtcp, leg.RtcpBuffer.AsSpan(0, length), destination))
        {
            Interlocked.Increment(ref leg.Counters.RtcpOut);
        }
    }

    /// <summary>Writes the report into the leg's RTCP buffer if one is due (§6.3.1) and schedules the next.</summary>
    private bool TryTakeReport(MediaLeg leg, out int length, [NotNullWhen(true)] out SocketAddress? destination)
    {
        var now = _time.GetElapsedTime(_started);
        if (now < leg.NextRtcpDue || leg.Destination is not { } current)
        {
            length = 0;
            destination = null;
            return false;
        }

        leg.NextRtcpDue = now + (RtcpInterval * (0.5 + Random.Shared.NextDouble()));
        length = WriteReport(leg, now);
        destination = current.RtcpAddress;
        return true;
    }

    internal int WriteReport(MediaLeg leg, TimeSpan now)
    {
        var buffer = leg.RtcpBuffer.AsSpan();
        var outgoing = Other(leg).Rewriter;
        RtcpReportBlock? block = null;
        if (leg.HaveSource)
        {
            if (Volatile.Read(ref leg.LastSenderReport) is { } sender)
            {
                leg.ReceiveStatistics.RecordSenderReport(sender.Sender, sender.Arrival);
            }

            block = leg.ReceiveStatistics.TakeReportBlock(leg.SourceSsrc, now);
        }

        var sent = Interlocked.Read(ref leg.Counters.PacketsOut);
        int length;
        if (sent != leg.PacketsOutAtLastReport)
        {
            leg.PacketsOutAtLastReport = sent;
            var info = new RtcpSenderInfo(
                ToNtp(_time.GetUtcNow()), outgoing.HighestTimestamp, (uint)sent, (uint)Interlocked.Read(ref leg.Counters.PayloadOctetsOut));
            length = RtcpWriter.WriteSenderReport(buffer, outgoing.Ssrc, info, block);
        }
        else
        {
            length = RtcpWriter.WriteReceiverReport(buffer, outgoing.Ssrc, block);
        }

        return length + RtcpWriter.WriteSourceDescription(buffer[length..], outgoing.Ssrc, _cname);
    }

    /// <summary>64-bit NTP time: seconds since 1900 in the high word, the fraction in the low word (§4).</summary>
    internal static ulong ToNtp(DateTimeOffset time)
    {
        var ticks = (time - NtpEpoch).Ticks;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
