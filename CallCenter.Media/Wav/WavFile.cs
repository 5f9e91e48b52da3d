using System.Buffers.Binary;
using CallCenter.Media.Codecs;

namespace CallCenter.Media.Wav;

/// <summary>
/// Reads RIFF WAVE files (the Microsoft Multimedia Programming Interface's RIFF form): 16-bit PCM, A-law or µ-law,
/// mono or stereo, at 8 or 16 kHz. Files come from administrators, so nothing here throws on a bad one: every
/// refusal is a <see cref="WavReadError"/> and a sentence saying what was wrong.
/// </summary>
public static class WavFile
{
    /// <summary>An hour of 16 kHz 16-bit stereo is 230 MB; nothing we play is near that, and a prompt is read whole.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    private const int FormatTagExtensible = 0xFFFE;

    public static bool TryLoad(string path, out WavAudio? audio, out WavReadError error, out string reason)
    {
        audio = null;
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
            {
                error = WavReadError.TooLarge;
                reason = $"{path} is {length} bytes; at most {MaxFileBytes} are read.";
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = WavReadError.Unreadable;
            reason = $"{path} cannot be read: {exception.Message}";
            return false;
        }

        return TryParse(bytes, out audio, out error, out reason);
    }

    public static bool TryParse(ReadOnlySpan<byte> file, out WavAudio? audio, out WavReadError error, out string reason)
    {
        audio = null;
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return Fail(WavReadError.NotRiffWave, "The file does not start with a RIFF header of form WAVE.", out error, out reason);
        }

        ReadOnlySpan<byte> format = default;
        ReadOnlySpan<byte> data = default;
        var haveFormat = false;
        var haveData = false;
        var position = 12;

        // The RIFF size in the header is often wrong (streaming writers leave it at 0 or 0xFFFFFFFF), so the chunks
        // are walked to the end of the file instead.
        while (position + 8 <= file.Length && !(haveFormat && haveData))
        {
            var id = file.Slice(position, 4);
            var declared = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(position + 4, 4));
            var bodyStart = position + 8;
            var available = file.Length - bodyStart;
            long size = declared;
            if (id.SequenceEqual("data"u8) && declared == 0 && available > 0)
            {
                size = available;
            }
            else if (size > available)
            {
                // A data chunk of 0 (above) or 0xFFFFFFFF is what a writer that could not seek back leaves
                // behind; any other size beyond the end means a truncated or corrupt file.
                if (id.SequenceEqual("data"u8) && declared == uint.MaxValue)
                {
                    size = available;
                }
                else
                {
                    var name = System.Text.Encoding.ASCII.GetString(id);
                    return Fail(WavReadError.ChunkBeyondEnd, $"Chunk '{name}' at byte {position} declares {declared} bytes but only {available} follow.", out error, out reason);
                }
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = file.Slice(bodyStart, (int)size);
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    return Fail(WavReadError.MissingFormat, "The data chunk comes before any fmt chunk.", out error, out reason);
                }

                data = file.Slice(bodyStart, (int)size);
                haveData = true;
            }

            // §RIFF: chunks are padded to an even length.
            position = (int)Math.Min(file.Length, bodyStart + size + (size & 1));
        }

        if (!haveFormat)
        {
            return Fail(WavReadError.MissingFormat, "There is no fmt chunk.", out error, out reason);
        }

        if (format.Length < 16)
        {
            return Fail(WavReadError.FormatTooShort, $"The fmt chunk has {format.Length} bytes; it needs 16.", out error, out reason);
        }

        int tag = BinaryPrimitives.ReadUInt16LittleEndian(format);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(format[2..]);
        var sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(format[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(format[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(format[14..]);
        if (tag == FormatTagExtensible && format.Length >= 40)
        {
            // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID.
            tag = BinaryPrimitives.ReadUInt16LittleEndian(format[24..]);
        }

        if (tag is not ((int)WavEncoding.Pcm16 or (int)WavEncoding.ALaw or (int)WavEncoding.MuLaw))
        {
            return Fail(WavReadError.UnsupportedEncoding, $"Format tag {tag} is not supported: only 1 (PCM), 6 (A-law) and 7 (µ-law) are.", out error, out reason);
        }

        var encoding = (WavEncoding)tag;
        if (channels is not (1 or 2))
        {
            return Fail(WavReadError.UnsupportedChannels, $"{channels} channels: only mono and stereo are read.", out error, out reason);
        }

        if (sampleRate is not (8000 or 16000))
        {
            return Fail(WavReadError.UnsupportedSampleRate, $"{sampleRate} Hz: only 8,000 and 16,000 Hz are read.", out error, out reason);
        }

        var expectedBits = encoding == WavEncoding.Pcm16 ? 16 : 8;
        if (bits != expectedBits)
        {
            return Fail(WavReadError.UnsupportedBitsPerSample, $"{bits} bits per sample for {encoding}: only {expectedBits} are read.", out error, out reason);
        }

        if (blockAlign != channels * bits / 8)
        {
            return Fail(WavReadError.InconsistentBlockAlign, $"Block align {blockAlign} does not match {channels} channels of {bits} bits.", out error, out reason);
        }

        if (!haveData)
        {
            return Fail(WavReadError.MissingData, "There is no data chunk.", out error, out reason);
        }

        if (data.Length % blockAlign != 0)
        {
            return Fail(WavReadError.PartialSample, $"The data chunk's {data.Length} bytes are not a whole number of {blockAlign}-byte frames.", out error, out reason);
        }

        var samples = new short[data.Length / (bits / 8)];
        switch (encoding)
        {
            case WavEncoding.Pcm16:
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
                }

                break;
            case WavEncoding.MuLaw:
                G711.DecodeMuLaw(data, samples);
                break;
            default:
                G711.DecodeALaw(data, samples);
                break;
        }

        audio = new WavAudio(encoding, (int)sampleRate, channels, samples);
        error = WavReadError.None;
        reason = string.Empty;
        return true;
    }

    private static bool Fail(WavReadError code, string text, out WavReadError error, out string reason)
    {
        error = code;
        reason = text;
        return false;
    }
}
