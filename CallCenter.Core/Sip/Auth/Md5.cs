using System.Buffers.Binary;
using System.Numerics;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// MD5 (RFC 1321) in managed code, for the digest arithmetic only. Why not System.Security.Cryptography.MD5: on
/// Linux every one-shot call goes to OpenSSL through P/Invoke, allocating and freeing an EVP context and clearing
/// the error queue, which for digest's inputs (one or two 64-byte blocks) costs several times the hashing itself;
/// a registration hashes five times. Branch-free arithmetic, so the time does not depend on the data (HA1 holds
/// the password). Stateless and thread-safe. Checked against RFC 1321 §A.5's test suite.
/// </summary>
internal static class Md5
{
    public const int HashSize = 16;

    // §3.4: T[i] = floor(2^32 * abs(sin(i))), i = 1..64.
    private static ReadOnlySpan<uint> T =>
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    /// <summary>Writes MD5(<paramref name="source"/>) into the first 16 bytes of <paramref name="destination"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HashSize);

        // §3.3: the buffer starts as the words A, B, C, D, low-order byte first.
        Span<uint> state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
        var bitLength = (ulong)source.Length * 8;
        while (source.Length >= 64)
        {
            Compress(state, source[..64]);
            source = source[64..];
        }

        // §3.1, §3.2: a 1 bit, zeros up to 56 mod 64 bytes, then the message length in bits, low-order word first.
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        source.CopyTo(tail);
        tail[source.Length] = 0x80;
        var padded = source.Length < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64LittleEndian(tail[(padded - 8)..], bitLength);
        Compress(state, tail[..64]);
        if (padded == 128)
        {
            Compress(state, tail[64..]);
        }

        // §3.5: the digest is A, B, C, D, each low-order byte first.
        for (var i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[(4 * i)..], state[i]);
        }
    }

    // §3.4: one 16-word block, four rounds of sixteen operations.
    private static void Compress(Span<uint> state, ReadOnlySpan<byte> block)
    {
        Span<uint> x = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
        }

        uint a = state[0], b = state[1], c = state[2], d = state[3];
        var t = T;

        // Round 1: F(X,Y,Z) = XY v not(X) Z, words in order, shifts 7 12 17 22.
        for (var i = 0; i < 16; i += 4)
        {
            a = b + BitOperations.RotateLeft(a + ((b & c) | (~b & d)) + x[i] + t[i], 7);
            d = a + BitOperations.RotateLeft(d + ((a & b) | (~a & c)) + x[i + 1] + t[i + 1], 12);
            c = d + BitOperations.RotateLeft(c + ((d & a) | (~d & b)) + x[i + 2] + t[i + 2], 17);
            b = c + BitOperations.RotateLeft(b + ((c & d) | (~c & a)) + x[i + 3] + t[i + 3], 22);
        }

        // Round 2: G(X,Y,Z) = XZ v Y not(Z), word (1 + 5i) mod 16, shifts 5 9 14 20.
        for (var i = 16; i < 32; i += 4)
        {
            a = b + BitOperations.RotateLeft(a + ((b & d) | (c & ~d)) + x[((5 * i) + 1) & 15] + t[i], 5);
            d = a + BitOperations.RotateLeft(d + ((a & c) | (b & ~c)) + x[((5 * (i + 1)) + 1) & 15] + t[i + 1], 9);
            c = d + BitOperations.RotateLeft(c + ((d & b) | (a & ~b)) + x[((5 * (i + 2)) + 1) & 15] + t[i + 2], 14);
            b = c + BitOperations.RotateLeft(b + ((c & a) | (d & ~a)) + x[((5 * (i + 3)) + 1) & 15] + t[i + 3], 20);
        }

        // Round 3: H(X,Y,Z) = X xor Y xor Z, word (5 + 3i) mod 16, shifts 4 11 16 23.
        for (var i = 32; i < 48; i += 4)
        {
            a = b + BitOperations.RotateLeft(a + (b ^ c ^ d) + x[((3 * i) + 5) & 15] + t[i], 4);
            d = a + BitOperations.RotateLeft(d + (a ^ b ^ c) + x[((3 * (i + 1)) + 5) & 15] + t[i + 1], 11);
            c = d + BitOperations.RotateLeft(c + (d ^ a ^ b) + x[((3 * (i + 2)) + 5) & 15] + t[i + 2], 16);
            b = c + BitOperations.RotateLeft(b + (c ^ d ^ a) + x[((3 * (i + 3)) + 5) & 15] + t[i + 3], 23);
        }

        // Round 4: I(X,Y,Z) = Y xor (X v not(Z)), word 7i mod 16, shifts 6 10 15 21.
        for (var i = 48; i < 64; i += 4)
        {
            a = b + BitOperations.RotateLeft(a + (c ^ (b | ~d)) + x[(7 * i) & 15] + t[i], 6);
            d = a + BitOperations.RotateLeft(d + (b ^ (a | ~c)) + x[(7 * (i + 1)) & 15] + t[i + 1], 10);
            c = d + BitOperations.RotateLeft(c + (a ^ (d | ~b)) + x[(7 * (i + 2)) & 15] + t[i + 2], 15);
            b = c + BitOperations.RotateLeft(b + (d ^ (c | ~a)) + x[(7 * (i + 3)) & 15] + t[i + 3], 21);
        }

        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
    }
}
