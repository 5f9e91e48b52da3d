namespace CallCenter.Media.Codecs;

public static partial class G711
{
    private static readonly short[] MuLawDecodeTable = BuildMuLawDecode();
    private static readonly short[] ALawDecodeTable = BuildALawDecode();
    private static readonly byte[] MuLawEncodeTable = BuildMuLawEncode();
    private static readonly byte[] ALawEncodeTable = BuildALawEncode();
    private static readonly byte[] MuLawToALawTable = BuildMuLawToALaw();
    private static readonly byte[] ALawToMuLawTable = BuildALawToMuLaw();

    // G.711 Table 3 (µ-law → A-law), as magnitudes: entry i is the A-law magnitude index (0 = smallest level) for
    // the µ-law magnitude index i. The recommendation fixes these by hand; they are not decode-then-encode (e.g.
    // µ index 48 goes to A index 45 where re-encoding the decoded value gives 44), so they are kept as data.
    private static ReadOnlySpan<byte> MuLawMagnitudeToALaw =>
    [
        0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
        8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
        24, 26, 28, 30, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43,
        45, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
        63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78,
        80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
        96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
        112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
    ];

    // G.711 Table 4 (A-law → µ-law), as magnitudes likewise.
    private static ReadOnlySpan<byte> ALawMagnitudeToMuLaw =>
    [
        1, 3, 5, 7, 9, 11, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23,
        24, 25, 26, 27, 28, 29, 30, 31, 32, 32, 33, 33, 34, 34, 35, 35,
        36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 48, 49, 49,
        50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 64,
        65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 79,
        80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
        96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
        112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
    ];

    // A µ-law code is the one's complement of sign (1 = negative), 3 exponent bits and 4 mantissa bits; its
    // magnitude index (0 = zero, 127 = largest) is therefore 0x7F minus the low seven bits.
    private static int MuLawMagnitudeIndex(byte code) => 0x7F ^ (code & 0x7F);

    private static bool MuLawIsPositive(byte code) => (code & 0x80) != 0;

    // An A-law code has its even bits inverted (XOR 0x55) and a sign bit of 1 for positive values.
    private static int ALawMagnitudeIndex(byte code) => (code ^ 0x55) & 0x7F;

    private static bool ALawIsPositive(byte code) => ((code ^ 0x55) & 0x80) != 0;

    private static short[] BuildMuLawDecode()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var index = MuLawMagnitudeIndex((byte)code);
            var exponent = index >> 4;
            var mantissa = index & 0x0F;
            // 14-bit reconstruction: ((2m + 33) << e) - 33, i.e. the middle of the interval once the encoder's
            // bias of 33 is taken off again.
            var magnitude = (((mantissa << 1) + 33) << exponent) - 33;
            table[code] = (short)((MuLawIsPositive((byte)code) ? magnitude : -magnitude) * 4);
        }

        return table;
    }

    private static short[] BuildALawDecode()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var index = ALawMagnitudeIndex((byte)code);
            var segment = index >> 4;
            var mantissa = index & 0x0F;
            // 13-bit reconstruction: segments 0 and 1 share step 2 (2m + 1, then 2m + 33), each later segment
            // doubles the step; × 8 gives 16-bit.
            var magnitude = segment == 0 ? (mantissa << 1) + 1 : ((mantissa << 1) + 33) << (segment - 1);
            table[code] = (short)((ALawIsPositive((byte)code) ? magnitude : -magnitude) * 8);
        }

        return table;
    }

    private static byte[] BuildMuLawEncode()
    {
        // Index: the sample's top 14 bits as a two's complement number.
        var table = new byte[1 << 14];
        for (var index = 0; index < table.Length; index++)
        {
            var value = (index << 18) >> 18;
            var negative = value < 0;
            var magnitude = negative ? ~value : value;
            // Bias 33 puts every segment boundary on a power of two; 8191 is the top of the last segment (the
            // decision value 8159 plus the bias).
            var biased = Math.Min(magnitude + 33, 0x1FFF);
            var exponent = (31 - int.LeadingZeroCount(biased)) - 5;
            var mantissa = (biased >> (exponent + 1)) & 0x0F;
            table[index] = (byte)~((negative ? 0x80 : 0) | (exponent << 4) | mantissa);
        }

        return table;
    }

    private static byte[] BuildALawEncode()
    {
        // Index: the sample's top 12 bits as a two's complement number; A-law never uses the 13th bit because
        // its two finest segments have a step of 2.
        var table = new byte[1 << 12];
        for (var index = 0; index < table.Length; index++)
        {
            var value = (index << 20) >> 20;
            var negative = value < 0;
            var magnitude = negative ? ~value : value;
            int code;
            if (magnitude < 16)
            {
                code = magnitude;
            }
            else
            {
                var segment = (31 - int.LeadingZeroCount(magnitude)) - 3;
                code = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0F);
            }

            table[index] = (byte)((code | (negative ? 0 : 0x80)) ^ 0x55);
        }

        return table;
    }

    private static byte[] BuildMuLawToALaw()
    {
        var table = new byte[256];
        for (var code = 0; code < 256; code++)
        {
            var a = MuLawMagnitudeToALaw[MuLawMagnitudeIndex((byte)code)];
            table[code] = (byte)((a | (MuLawIsPositive((byte)code) ? 0x80 : 0)) ^ 0x55);
        }

        return table;
    }

    private static byte[] BuildALawToMuLaw()
    {
        var table = new byte[256];
        for (var code = 0; code < 256; code++)
        {
            var u = ALawMagnitudeToMuLaw[ALawMagnitudeIndex((byte)code)];
            table[code] = (byte)~((ALawIsPositive((byte)code) ? 0 : 0x80) | u);
        }

        return table;
    }
}
