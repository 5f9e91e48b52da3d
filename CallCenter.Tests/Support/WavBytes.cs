using System.Buffers.Binary;

namespace CallCenter.Tests.Support;

/// <summary>Hand-built WAV files for reader tests: a canonical 44-byte header (or one with extra chunks) around the
/// given payload, with every field open to being set wrong.</summary>
public static class WavBytes
{
    public static byte[] Build(
        ReadOnlySpan<byte> payload,
        int formatTag = 1,
        int channels = 1,
        int sampleRate = 8000,
        int bitsPerSample = 16,
        int? blockAlign = null,
        uint? dataSize = null,
        uint? formatSize = null,
        bool listChunkFirst = false)
    {
        var list = listChunkFirst ? 14 : 0;
        var file = new byte[44 + list + payload.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        "WAVE"u8.CopyTo(file.AsSpan(8));
        var at = 12;
        if (listChunkFirst)
        {
            // An odd-sized LIST chunk, to check the pad byte is skipped.
            "LIST"u8.CopyTo(file.AsSpan(at));
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 4), 5);
            at += 14;
        }

        "fmt "u8.CopyTo(file.AsSpan(at));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 4), formatSize ?? 16);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 8), (ushort)formatTag);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 10), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 12), (uint)sampleRate);
        var align = blockAlign ?? (channels * bitsPerSample / 8);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 16), (uint)(sampleRate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 20), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at + 22), (ushort)bitsPerSample);
        "data"u8.CopyTo(file.AsSpan(at + 24));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 28), dataSize ?? (uint)payload.Length);
        payload.CopyTo(file.AsSpan(at + 32));
        return file;
    }

    public static byte[] Pcm16(ReadOnlySpan<short> samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), samples[i]);
        }

        return bytes;
    }

    public static short[] Sine(double frequency, double peak, int count, int sampleRate = 8000) =>
        Enumerable.Range(0, count).Select(n => (short)Math.Round(peak * Math.Sin(2 * Math.PI * frequency * n / sampleRate))).ToArray();
}
