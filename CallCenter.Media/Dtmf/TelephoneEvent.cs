using System.Buffers.Binary;

namespace CallCenter.Media.Dtmf;

/// <summary>
/// The 4-byte telephone-event payload of RFC 4733 §2.3: event code, E (end) bit, reserved bit, 6-bit volume in
/// -dBm0, and the duration so far in timestamp units. All packets of one event carry the event's start timestamp.
/// </summary>
public readonly record struct TelephoneEvent(byte Code, bool End, byte Volume, ushort Duration)
{
    public const int Length = 4;
    public const byte MaxVolume = 63;

    /// <summary>Reads the first event of a payload. Only a payload shorter than 4 bytes is refused: §2.3 lets the
    /// reserved bit and any trailing bytes be ignored.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out TelephoneEvent telephoneEvent)
    {
        if (payload.Length < Length)
        {
            telephoneEvent = default;
            return false;
        }

        telephoneEvent = new TelephoneEvent(
            payload[0],
            (payload[1] & 0x80) != 0,
            (byte)(payload[1] & 0x3F),
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    /// <summary>Writes the payload (reserved bit zero, as §2.3 requires of senders) and returns 4.</summary>
    public int Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Volume, MaxVolume);
        var payload = destination[..Length];
        payload[0] = Code;
        payload[1] = (byte)((End ? 0x80 : 0) | Volume);
        BinaryPrimitives.WriteUInt16BigEndian(payload[2..], Duration);
        return Length;
    }
}
