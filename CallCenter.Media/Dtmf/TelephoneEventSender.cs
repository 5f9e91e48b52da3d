using CallCenter.Media.Rtp;

namespace CallCenter.Media.Dtmf;

/// <summary>
/// Plans the packets RFC 4733 §2.5.1 asks of a sender for one key press: the first with the marker bit, then one
/// per packet interval with the duration so far, and the final one with the E bit sent three times (§2.5.1.4, for
/// robustness against loss) with the same total duration. Every frame uses the press's start timestamp and a new
/// sequence number; the caller's stream supplies both. Durations are in timestamp units at the given clock rate.
/// </summary>
public static class TelephoneEventSender
{
    public const int EndRepetitions = 3;

    public static IReadOnlyList<TelephoneEventFrame> Plan(byte code, TimeSpan duration, TimeSpan ptime, byte volume = 10, int clockRate = 8000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ptime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(volume, TelephoneEvent.MaxVolume);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);

        var total = Units(duration, clockRate);
        var step = Units(ptime, clockRate);
        if (total > ushort.MaxValue)
        {
            // Longer presses need segments (§2.5.1.3); a generated digit never lasts that long.
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "An event longer than the 16-bit duration field is not supported.");
        }

        ArgumentOutOfRangeException.ThrowIfZero(step, nameof(ptime));
        var updates = (int)((total + step - 1) / step);
        var frames = new List<TelephoneEventFrame>(updates + EndRepetitions - 1);
        for (var k = 0; k < updates; k++)
        {
            var last = k == updates - 1;
            var soFar = last ? total : (k + 1) * step;
            frames.Add(new TelephoneEventFrame(ptime * k, k == 0, new TelephoneEvent(code, last, volume, (ushort)soFar)));
        }

        var end = frames[^1].Event;
        for (var r = 1; r < EndRepetitions; r++)
        {
            frames.Add(new TelephoneEventFrame(ptime * (updates - 1 + r), false, end));
        }

        return frames;
    }

    /// <summary>Writes one frame as a complete RTP packet and returns its length.</summary>
    public static int Write(Span<byte> destination, TelephoneEventFrame frame, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        var header = RtpHeaderWriter.WriteFixedHeader(destination, frame.Marker, payloadType, sequenceNumber, timestamp, ssrc);
        return header + frame.Event.Write(destination[header..]);
    }

    private static long Units(TimeSpan time, int clockRate) => (long)((Int128)time.Ticks * clockRate / TimeSpan.TicksPerSecond);
}
