using CallCenter.Media.Codecs;
using CallCenter.Media.Dtmf;
using CallCenter.Media.Playback;
using CallCenter.Media.Rtp;

namespace CallCenter.Media.Relay;

/// <summary>Playing audio to a leg, and listening for in-band digits from one.</summary>
public sealed partial class MediaRelay
{
    /// <summary>Where generated frames go for a relay without sockets (tests and benchmarks); called on the pacing
    /// thread with the datagram and the leg it is for.</summary>
    internal delegate void GeneratedPacketSink(MediaLegSide to, ReadOnlySpan<byte> datagram);

    internal GeneratedPacketSink? PacketSink { get; set; }

    /// <summary>
    /// Plays <paramref name="source"/> to leg <paramref name="to"/>'s phone from the next 20 ms tick on, instead of
    /// what the other leg sends (which is dropped and counted as not forwarded until the playback ends; digits
    /// from either leg are still reported). The frames use the leg's negotiated codec and payload type at each tick
    /// (a re-INVITE mid-prompt is followed) and continue the stream the phone already hears from us: same SSRC,
    /// next sequence number, a timestamp that follows, marker at the start (see <see cref="RtpStreamRewriter"/>).
    /// At a switch, the last relayed packet and the first generated frame (or the other way round) are sent by two
    /// threads and may leave in either order; their sequence numbers are in order, which is what a jitter buffer
    /// goes by. A playback already going to that leg is replaced without a break in the stream. The source belongs
    /// to the pacing loop from now on. <paramref name="observer"/>, if any, hears when the source finished by
    /// itself. From any thread (normally the call loop); never waits.
    /// </summary>
    public RelayPlayback Play(MediaLegSide to, IPlaybackSource source, IPlaybackObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var pacer = _pacer ?? throw new InvalidOperationException("This relay has no pacing loop.");
        var leg = Leg(to);
        var stream = Other(leg);
        var playback = new RelayPlayback(this, to, source, observer);
        lock (stream.RewriterGate)
        {
            if (leg.Playback is { } previous)
            {
                previous.TryEnd(PlaybackEnd.Replaced);
            }

            Volatile.Write(ref leg.Playback, playback);
        }

        pacer.Add(playback);
        return playback;
    }

    /// <summary>Stops <paramref name="playback"/> if it still plays (false otherwise): its leg hears the other leg
    /// again from the next relayed packet, which starts a new talkspurt in the same stream. No report follows.</summary>
    public bool Stop(RelayPlayback playback)
    {
        ArgumentNullException.ThrowIfNull(playback);
        return ReferenceEquals(playback.Relay, this) && EndPlayback(playback, PlaybackEnd.Stopped);
    }

    /// <summary>Stops whatever plays to leg <paramref name="to"/>; false if nothing did.</summary>
    public bool StopPlayback(MediaLegSide to) => Volatile.Read(ref Leg(to).Playback) is { } playback && EndPlayback(playback, PlaybackEnd.Stopped);

    /// <summary>What plays to leg <paramref name="to"/> now, or null.</summary>
    public RelayPlayback? CurrentPlayback(MediaLegSide to) => Volatile.Read(ref Leg(to).Playback);

    /// <summary>
    /// Switches in-band DTMF detection (Goertzel, ITU-T Q.24; see <see cref="DtmfToneDetector"/>) on or off for what
    /// leg <paramref name="from"/>'s phone sends, for phones that send no RFC 4733 events. Off by default: it costs
    /// a decode and the detector per packet, and a prompt or music coming from that leg could in rare cases look
    /// like a key. Keys heard are reported through <see cref="IMediaRelayObserver.OnDigit"/> once each, when the
    /// tone is recognised, with the RTP timestamp of that packet and volume 0 (not measured). The audio itself is
    /// relayed unchanged. Once the leg's source sends an RFC 4733 press, its tones are no longer reported, and an event
    /// for the key whose tone was just reported is not reported again (a phone that sends both; see
    /// <see cref="InBandDigitDetection"/>). Turning it on starts a fresh detector. From any thread.
    /// </summary>
    public void DetectInBandDigits(MediaLegSide from, bool enabled)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var leg = Leg(from);
        Volatile.Write(ref leg.InBand, enabled ? new InBandDigitDetection(this, leg) : null);
    }

    /// <summary>Ends a playback (unless it already ended) under its stream's gate, so that no generated frame follows
    /// and the next relayed packet re-anchors the stream. False if it had already ended.</summary>
    internal bool EndPlayback(RelayPlayback playback, PlaybackEnd end)
    {
        var leg = Leg(playback.Side);
        var stream = Other(leg);
        lock (stream.RewriterGate)
        {
            if (!playback.TryEnd(end))
            {
                return false;
            }

            if (ReferenceEquals(leg.Playback, playback))
            {
                Volatile.Write(ref leg.Playback, null);
                stream.Rewriter.EndGenerated();
            }

            return true;
        }
    }

    /// <summary>
    /// One tick of one playback, on the pacing thread: reads the source's frame, writes the header from the stream's
    /// rewriter and sends it to the leg. The source is read under the stream's gate too, so that a playback stopped
    /// or replaced meanwhile neither sends nor consumes audio. A leg with no destination yet (not configured) still
    /// lets the source's time pass, so a prompt does not wait for the SDP.
    /// </summary>
    internal PlayOutcome PlayFrame(RelayPlayback playback, long tick, byte[] buffer)
    {
        if (IsDisposed)
        {
            EndPlayback(playback, PlaybackEnd.Closed);
            return PlayOutcome.Ended;
        }

        var leg = Leg(playback.Side);
        var stream = Other(leg);
        var destination = leg.Destination;
        var length = 0;
        lock (stream.RewriterGate)
        {
            if (playback.HasEnded)
            {
                return PlayOutcome.Ended;
            }

            if (stream.Rewriter.IsGenerating && tick <= stream.Rewriter.LastGeneratedTick)
            {
                // Its predecessor already sent this tick's frame (replaced within the tick): start at the next one.
                return PlayOutcome.Playing;
            }

            var payload = buffer.AsSpan(RtpPacket.FixedHeaderLength, PlaybackPacer.FrameSamples);
            if (!playback.Source.TryRead(tick, destination?.Settings.Codec ?? AudioCodec.Pcmu, payload))
            {
                playback.TryEnd(PlaybackEnd.Finished);
                if (ReferenceEquals(leg.Playback, playback))
                {
                    Volatile.Write(ref leg.Playback, null);
                    stream.Rewriter.EndGenerated();
                }

                return PlayOutcome.Finished;
            }

            if (destination is not null
                && stream.Rewriter.WriteGenerated(buffer, destination.Settings.PayloadType, tick, _time.GetElapsedTime(_started), PlaybackPacer.FrameSamples))
            {
                length = RtpPacket.FixedHeaderLength + PlaybackPacer.FrameSamples;
            }
        }

        if (length > 0)
        {
            SendGenerated(leg, buffer.AsSpan(0, length), destination!);
            playback.CountFrame();
        }

        return PlayOutcome.Playing;
    }

    private void SendGenerated(MediaLeg to, ReadOnlySpan<byte> datagram, LegDestination destination)
    {
        if (to.Sockets is { } sockets)
        {
            if (!SendNow(to, sockets.Rtp, datagram, destination.RtpAddress))
            {
                return;
            }
        }
        else
        {
            PacketSink?.Invoke(to.Side, datagram);
        }

        CountForwarded(to, new ForwardDecision(datagram.Length, datagram.Length - RtpPacket.FixedHeaderLength, destination.RtpAddress));
    }

    internal void ReportInBandDigit(MediaLeg from, DtmfEvent press)
    {
        Interlocked.Increment(ref from.Counters.Digits);
        NotifyDigit(from, press);
    }
}
