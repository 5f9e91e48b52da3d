using System.Net;
using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Rtp;

namespace CallCenter.Media.Relay;

public sealed partial class MediaRelay
{
    /// <summary>
    /// Decides what happens to one datagram that arrived on <paramref name="from"/>'s RTP socket from
    /// <paramref name="source"/>, rewriting it in place for the other leg. Runs on <paramref name="from"/>'s RTP
    /// receive loop and touches no socket, so tests and benchmarks drive it directly. No allocation unless the
    /// leg latches or something is logged.
    /// </summary>
    internal ForwardDecision ProcessRtp(MediaLeg from, Span<byte> datagram, SocketAddress source)
    {
        var counters = from.Counters;
        Interlocked.Increment(ref counters.PacketsIn);
        Interlocked.Add(ref counters.BytesIn, datagram.Length);
        if (!RtpPacket.TryRead(datagram, out var packet, out var reason))
        {
            Interlocked.Increment(ref counters.Garbage);
            if (_logGate.ShouldLog(MediaLogGate.Kind.Garbage, out var count))
            {
                MediaLog.Garbage(_logger, Id, from.Side, reason, count);
            }

            return ForwardDecision.Drop;
        }

        var current = from.Destination;
        if (current is null)
        {
            Interlocked.Increment(ref counters.NotForwarded);
            return ForwardDecision.Drop;
        }

        var settings = current.Settings;
        var isAudio = packet.PayloadType == settings.PayloadType;
        if (!isAudio && packet.PayloadType != settings.TelephoneEventPayloadType)
        {
            Interlocked.Increment(ref counters.UnexpectedPayloadType);
            return ForwardDecision.Drop;
        }

        if (!AcceptSource(from, current, source))
        {
            return ForwardDecision.Drop;
        }

        var stamp = _time.GetTimestamp();
        Volatile.Write(ref from.LastRtp, stamp);
        var arrival = _time.GetElapsedTime(_started, stamp);
        var sequence = packet.SequenceNumber;
        var timestamp = packet.Timestamp;
        var ssrc = packet.Ssrc;
        var payloadOffset = packet.HeaderLength;
        var payloadLength = packet.Payload.Length;

        if (!from.HaveSource || from.SourceSsrc != ssrc)
        {
            if (from.HaveSource)
            {
                // Statistics and event timestamps belong to one source (RFC 3550 §8.2, RFC 4733 §2.5.1.1).
                Interlocked.Increment(ref counters.SourceChanges);
                MediaLog.SourceChanged(_logger, Id, from.Side, from.SourceSsrc, ssrc);
                from.Events.Reset();
                from.ReceiveStatistics.Reset();
                Volatile.Read(ref from.InBand)?.Reset();
            }

            from.HaveSource = true;
            from.SourceSsrc = ssrc;
        }

        from.ReceiveStatistics.Update(sequence, timestamp, arrival, measureJitter: isAudio);
        if (!isAudio
            && TelephoneEvent.TryRead(packet.Payload, out var telephoneEvent)
            && telephoneEvent.Code <= DtmfEvent.Flash
            && from.Events.TryProcess(timestamp, packet.Marker, telephoneEvent, out var press)
            && (Volatile.Read(ref from.InBand) is not { } detection || detection.OnTelephoneEvent(press)))
        {
            Interlocked.Increment(ref counters.Digits);
            NotifyDigit(from, press);
        }

        if (isAudio && Volatile.Read(ref from.InBand) is { } inBand)
        {
            inBand.Process(settings.Codec, packet.Payload, timestamp);
        }

        var to = Other(from);
        var target = to.Destination;
        if (target is null || Volatile.Read(ref to.Playback) is not null)
        {
            // Nowhere to go yet, or the other phone is being played to (digits were reported above all the same).
            Interlocked.Increment(ref counters.NotForwarded);
            return ForwardDecision.Drop;
        }

        if (isAudio)
        {
            if (settings.Codec != target.Settings.Codec)
            {
                var payload = datagram.Slice(payloadOffset, payloadLength);
                G711.Transcode(settings.Codec, target.Settings.Codec, payload, payload);
            }

            RtpHeaderWriter.SetPayloadType(datagram, target.Settings.PayloadType);
        }
        else if (target.Settings.TelephoneEventPayloadType is { } eventType)
        {
            RtpHeaderWriter.SetPayloadType(datagram, eventType);
        }
        else
        {
            // The other phone did not negotiate telephone-event; the owner has the digit and may play it.
            Interlocked.Increment(ref counters.NotForwarded);
            return ForwardDecision.Drop;
        }

        lock (from.RewriterGate)
        {
            // Checked again under the gate: a playback that started since the check above owns the stream now.
            if (Volatile.Read(ref to.Playback) is not null)
            {
                Interlocked.Increment(ref counters.NotForwarded);
                return ForwardDecision.Drop;
            }

            from.Rewriter.Rewrite(datagram, sequence, timestamp, ssrc, arrival);
        }

        return new ForwardDecision(datagram.Length, payloadLength, target.RtpAddress);
    }

    /// <summary>
    /// The latching rule (symmetric RTP, RFC 4961; "comedia" for phones behind NAT), which also guards against
    /// hijacking by anyone who finds the port:
    /// 1. Nothing is accepted from a leg before it is configured, nor RTP with a payload type it did not negotiate
    ///    (checked by the caller), so random datagrams cannot latch.
    /// 2. After each Configure (one offer/answer) the latch is open: the first acceptable packet latches the leg
    ///    to its source address, and media for the leg goes there from then on, whatever the SDP said.
    /// 3. Once latched, RTP from any other source is dropped and counted, with one exception: the exact address
    ///    the SDP gave may take the latch back. An attacker who raced the phone to an open port loses it as soon as
    ///    a phone with a reachable SDP address speaks. A phone behind NAT cannot be told from a racer that way;
    ///    the window is one packet interval after the answer, and only SRTP or ICE would close it.
    /// 4. The next Configure (re-INVITE, transfer) opens the latch again.
    /// </summary>
    private bool AcceptSource(MediaLeg leg, LegDestination current, SocketAddress source)
    {
        // Configure and the RTCP loop may replace the destination meanwhile; a few retries settle any race.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            if (current.RtpLatched && source.Equals(current.RtpAddress))
            {
                return true;
            }

            if (current.RtpLatched && !source.Equals(current.SdpRtpAddress))
            {
                Interlocked.Increment(ref leg.Counters.ForeignSource);
                if (_logGate.ShouldLog(MediaLogGate.Kind.ForeignSource, out var count))
                {
                    MediaLog.ForeignSource(_logger, Id, leg.Side, EndPointOf(source), current.RtpEndPoint, count);
                }

                return false;
            }

            var endPoint = EndPointOf(source);
            if (leg.TrySwapDestination(current, current.LatchRtp(source, endPoint)))
            {
                if (!source.Equals(current.RtpAddress))
                {
                    Interlocked.Increment(ref leg.Counters.LatchChanges);
                    MediaLog.Latched(_logger, Id, leg.Side, endPoint, current.Settings.RemoteRtp);
                }

                return true;
            }

            current = leg.Destination!;
        }

        Interlocked.Increment(ref leg.Counters.NotForwarded);
        return false;
    }

    private void NotifyDigit(MediaLeg from, DtmfEvent press)
    {
        try
        {
            _observer.OnDigit(this, from.Side, press);
        }
        catch (Exception e)
        {
            CountObserverFault(from, e);
        }
    }

    private void CountObserverFault(MediaLeg leg, Exception e)
    {
        Interlocked.Increment(ref leg.Counters.ObserverFaults);
        if (_logGate.ShouldLog(MediaLogGate.Kind.ObserverFault, out var count))
        {
            MediaLog.ObserverFault(_logger, e, Id, count);
        }
    }
}
