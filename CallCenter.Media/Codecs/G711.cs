namespace CallCenter.Media.Codecs;

/// <summary>
/// ITU-T G.711 companding between 16-bit linear PCM and µ-law (PCMU) or A-law (PCMA), and the direct µ-law ↔ A-law
/// conversion of G.711 Tables 3 and 4, all by table lookup, Span → Span. µ-law works on the top 14 bits of a
/// sample and A-law on the top 13, so the encoders index tables by the sample shifted right. Negative samples are
/// folded with the one's complement (as the ITU-T G.191 reference coder does), which makes both quantisers
/// symmetric: x and -x-1 get mirror codes. Decoders return the middle of each quantisation interval, scaled to
/// 16 bits (µ-law 14-bit values × 4, A-law 13-bit values × 8). Every method is safe to call from any thread.
/// </summary>
public static partial class G711
{
    public static byte EncodeMuLaw(short sample) => MuLawEncodeTable[(sample >> 2) & 0x3FFF];

    public static short DecodeMuLaw(byte code) => MuLawDecodeTable[code];

    public static byte EncodeALaw(short sample) => ALawEncodeTable[(sample >> 4) & 0x0FFF];

    public static short DecodeALaw(byte code) => ALawDecodeTable[code];

    public static byte MuLawToALaw(byte code) => MuLawToALawTable[code];

    public static byte ALawToMuLaw(byte code) => ALawToMuLawTable[code];

    public static void EncodeMuLaw(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        CheckLength(samples.Length, destination.Length);
        var table = MuLawEncodeTable;
        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = table[(samples[i] >> 2) & 0x3FFF];
        }
    }

    public static void DecodeMuLaw(ReadOnlySpan<byte> codes, Span<short> destination) => Decode(codes, destination, MuLawDecodeTable);

    public static void EncodeALaw(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        CheckLength(samples.Length, destination.Length);
        var table = ALawEncodeTable;
        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = table[(samples[i] >> 4) & 0x0FFF];
        }
    }

    public static void DecodeALaw(ReadOnlySpan<byte> codes, Span<short> destination) => Decode(codes, destination, ALawDecodeTable);

    /// <summary>µ-law to A-law by G.711 Table 3. <paramref name="destination"/> may be the source itself.</summary>
    public static void MuLawToALaw(ReadOnlySpan<byte> codes, Span<byte> destination) => Map(codes, destination, MuLawToALawTable);

    /// <summary>A-law to µ-law by G.711 Table 4. <paramref name="destination"/> may be the source itself.</summary>
    public static void ALawToMuLaw(ReadOnlySpan<byte> codes, Span<byte> destination) => Map(codes, destination, ALawToMuLawTable);

    /// <summary>Converts between the two laws, or copies when they are the same. In place is allowed.</summary>
    public static void Transcode(AudioCodec from, AudioCodec to, ReadOnlySpan<byte> codes, Span<byte> destination)
    {
        if (from == to)
        {
            CheckLength(codes.Length, destination.Length);
            codes.CopyTo(destination);
        }
        else if (from == AudioCodec.Pcmu)
        {
            MuLawToALaw(codes, destination);
        }
        else
        {
            ALawToMuLaw(codes, destination);
        }
    }

    public static void Encode(AudioCodec codec, ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (codec == AudioCodec.Pcmu)
        {
            EncodeMuLaw(samples, destination);
        }
        else
        {
            EncodeALaw(samples, destination);
        }
    }

    public static void Decode(AudioCodec codec, ReadOnlySpan<byte> codes, Span<short> destination) =>
        Decode(codes, destination, codec == AudioCodec.Pcmu ? MuLawDecodeTable : ALawDecodeTable);

    private static void Decode(ReadOnlySpan<byte> codes, Span<short> destination, short[] table)
    {
        CheckLength(codes.Length, destination.Length);
        for (var i = 0; i < codes.Length; i++)
        {
            destination[i] = table[codes[i]];
        }
    }

    private static void Map(ReadOnlySpan<byte> codes, Span<byte> destination, byte[] table)
    {
        CheckLength(codes.Length, destination.Length);
        for (var i = 0; i < codes.Length; i++)
        {
            destination[i] = table[codes[i]];
        }
    }

    private static void CheckLength(int source, int destination)
    {
        if (destination < source)
        {
            throw new ArgumentException($"The destination holds {destination} samples; {source} are needed.", nameof(destination));
        }
    }
}
