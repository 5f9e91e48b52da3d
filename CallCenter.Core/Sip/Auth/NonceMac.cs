using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using System.Text;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// The MAC that makes a nonce unforgeable: AES-128 CBC-MAC of a fixed two-block message, the first block a digest
/// of the realm and the second the nonce's issue time and random part,
/// <c>tag = E(E(SHA-256(realm)[..16]) ⊕ (issued ‖ random))</c>. CBC-MAC over messages of one fixed length is a
/// pseudo-random function (Bellare, Kilian, Rogaway), which is what a MAC over a fixed-format nonce needs; the realm
/// block is computed once per realm.
/// <para>Why not HMAC-SHA256 through OpenSSL, as before: two MACs per registration (issue and check) cost 1.7 µs of
/// a 27 µs registration, nearly all of it the call into OpenSSL and its error-queue housekeeping, not hashing 25
/// bytes (perf on the register probe, bench/RESULTS.md session 11). With AES-NI one block is ten instructions.
/// Where AES-NI is missing the same function runs through the platform's AES (one ECB block).</para>
/// Thread-safe: the round keys are read-only after construction; the realm cache is an immutable pair swapped whole.
/// </summary>
internal sealed class NonceMac
{
    public const int TagLength = 16;
    public const int PayloadLength = 16;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly ThreadLocal<System.Security.Cryptography.Aes>? _platform;
    private RealmBlock? _realm;

    /// <param name="key">16 bytes (AES-128).</param>
    /// <param name="useIntrinsics">False forces the platform path (the tests compare the two).</param>
    public NonceMac(ReadOnlySpan<byte> key, bool useIntrinsics = true)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("an AES-128 key is 16 bytes", nameof(key));
        }

        if (useIntrinsics && X86Aes.IsSupported)
        {
            _roundKeys = ExpandKey(Vector128.Create(key));
        }
        else
        {
            var copy = key.ToArray();
            _platform = new ThreadLocal<System.Security.Cryptography.Aes>(() =>
            {
                var aes = System.Security.Cryptography.Aes.Create();
                aes.Key = copy;
                return aes;
            });
        }
    }

    /// <summary>Whether blocks are enciphered with AES-NI here.</summary>
    public bool UsesIntrinsics => _roundKeys is not null;

    /// <summary>Writes the 16-byte tag of <paramref name="payload"/> (16 bytes) under <paramref name="realm"/>.</summary>
    public void Compute(string realm, ReadOnlySpan<byte> payload, Span<byte> tag)
    {
        var chained = BlockFor(realm) ^ Vector128.Create(payload[..PayloadLength]);
        Encrypt(chained).CopyTo(tag);
    }

    /// <summary>One AES-128 block.</summary>
    public Vector128<byte> Encrypt(Vector128<byte> block)
    {
        if (_roundKeys is { } keys)
        {
            var state = block ^ keys[0];
            for (var round = 1; round < 10; round++)
            {
                state = X86Aes.Encrypt(state, keys[round]);
            }

            return X86Aes.EncryptLast(state, keys[10]);
        }

        Span<byte> input = stackalloc byte[16];
        Span<byte> output = stackalloc byte[16];
        block.CopyTo(input);
        _platform!.Value!.EncryptEcb(input, output, PaddingMode.None);
        return Vector128.Create((ReadOnlySpan<byte>)output);
    }

    private Vector128<byte> BlockFor(string realm)
    {
        var cached = Volatile.Read(ref _realm);
        if (cached is not null && string.Equals(cached.Realm, realm, StringComparison.Ordinal))
        {
            return cached.Block;
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(realm), digest);
        var block = Encrypt(Vector128.Create((ReadOnlySpan<byte>)digest[..16]));
        Volatile.Write(ref _realm, new RealmBlock(realm, block));
        return block;
    }

    // FIPS-197 §5.2 for a 128-bit key with AESKEYGENASSIST: each round key is the previous one with its words
    // prefix-XORed, then XORed with SubWord(RotWord(last word)) ⊕ Rcon, which the instruction computes.
    private static Vector128<byte>[] ExpandKey(Vector128<byte> key)
    {
        var keys = new Vector128<byte>[11];
        keys[0] = key;
        keys[1] = Next(keys[0], X86Aes.KeygenAssist(keys[0], 0x01));
        keys[2] = Next(keys[1], X86Aes.KeygenAssist(keys[1], 0x02));
        keys[3] = Next(keys[2], X86Aes.KeygenAssist(keys[2], 0x04));
        keys[4] = Next(keys[3], X86Aes.KeygenAssist(keys[3], 0x08));
        keys[5] = Next(keys[4], X86Aes.KeygenAssist(keys[4], 0x10));
        keys[6] = Next(keys[5], X86Aes.KeygenAssist(keys[5], 0x20));
        keys[7] = Next(keys[6], X86Aes.KeygenAssist(keys[6], 0x40));
        keys[8] = Next(keys[7], X86Aes.KeygenAssist(keys[7], 0x80));
        keys[9] = Next(keys[8], X86Aes.KeygenAssist(keys[8], 0x1B));
        keys[10] = Next(keys[9], X86Aes.KeygenAssist(keys[9], 0x36));
        return keys;

        static Vector128<byte> Next(Vector128<byte> previous, Vector128<byte> assist)
        {
            var word = Vector128.Shuffle(assist.AsUInt32(), Vector128.Create(3u, 3u, 3u, 3u)).AsByte();
            // k ⊕ (k << 32) ⊕ (k << 64) ⊕ (k << 96): every word XORed with all the words below it.
            var shifted = ShiftWord(previous);
            var prefix = previous ^ shifted;
            shifted = ShiftWord(shifted);
            prefix ^= shifted;
            shifted = ShiftWord(shifted);
            prefix ^= shifted;
            return prefix ^ word;
        }

        // The block moved up by one 32-bit word (PSLLDQ 4): word i takes word i-1, word 0 becomes zero.
        static Vector128<byte> ShiftWord(Vector128<byte> value) =>
            System.Runtime.Intrinsics.X86.Sse2.ShiftLeftLogical128BitLane(value, 4);
    }

    private sealed record RealmBlock(string Realm, Vector128<byte> Block);
}
