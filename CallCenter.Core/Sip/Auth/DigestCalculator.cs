using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace CallCenter.Core.Sip.Auth;

/// <summary>
/// The Digest hash arithmetic of RFC 7616 §3.4.1-3.4.3 (RFC 2617 §3.2.2 for the qop-less RFC 2069 form), over
/// spans: every H(...) result is written as lower-case hex ASCII into a caller buffer, because that hex text is
/// what the next step hashes and what the wire carries. Strings are hashed as UTF-8. Stateless and thread-safe.
/// </summary>
public static class DigestCalculator
{
    public const int MaxHexLength = 64;

    // Inputs longer than this are hashed from a pooled array instead of the stack.
    private const int StackLimit = 512;

    public static int HexLength(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? 64 : 32;

    public static string Name(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";

    /// <summary>Accepts the RFC 7616 §6.1 names we implement, case-insensitively; everything else is false.</summary>
    public static bool TryParseAlgorithm(ReadOnlySpan<char> name, out DigestAlgorithm algorithm)
    {
        if (name.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Md5;
            return true;
        }

        if (name.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }

        algorithm = DigestAlgorithm.Md5;
        return false;
    }

    /// <summary>HA1 = H(username ":" realm ":" password), RFC 7616 §3.4.2.</summary>
    public static void ComputeHa1(DigestAlgorithm algorithm, string username, string realm, string password, Span<byte> hexDestination) =>
        HashJoined(algorithm, hexDestination, username, realm, password);

    /// <summary>HA2 = H(method ":" uri) for qop=auth or no qop, RFC 7616 §3.4.3.</summary>
    public static void ComputeHa2(DigestAlgorithm algorithm, string method, string uri, Span<byte> hexDestination) =>
        HashJoined(algorithm, hexDestination, method, uri, null);

    /// <summary>
    /// The request-digest, RFC 7616 §3.4.1: KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2) with qop=auth, or
    /// the RFC 2069 form KD(HA1, nonce ":" HA2) when <paramref name="nonceCount"/> is null.
    /// </summary>
    public static void ComputeResponse(
        DigestAlgorithm algorithm,
        ReadOnlySpan<byte> ha1Hex,
        string nonce,
        string? nonceCount,
        string? clientNonce,
        ReadOnlySpan<byte> ha2Hex,
        Span<byte> hexDestination)
    {
        var withQop = nonceCount is not null;
        var length = ha1Hex.Length + 1 + Utf8Max(nonce) + 1 + ha2Hex.Length;
        if (withQop)
        {
            length += Utf8Max(nonceCount) + 1 + Utf8Max(clientNonce) + 1 + "auth".Length + 1;
        }

        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = 0;
            Append(buffer, ref written, ha1Hex);
            Append(buffer, ref written, nonce);
            if (withQop)
            {
                Append(buffer, ref written, nonceCount);
                Append(buffer, ref written, clientNonce);
                Append(buffer, ref written, "auth"u8);
            }

            Append(buffer, ref written, ha2Hex, last: true);
            HashToHex(algorithm, buffer[..written], hexDestination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// A whole request-digest from a clear password, as a phone computes it. Allocates; meant for tests, tools and
    /// a future client side (trunk registration), not the server's hot path.
    /// </summary>
    public static string ComputeClientResponse(
        DigestAlgorithm algorithm,
        string username,
        string realm,
        string password,
        string method,
        string uri,
        string nonce,
        string? nonceCount,
        string? clientNonce)
    {
        var length = HexLength(algorithm);
        Span<byte> ha1 = stackalloc byte[length];
        Span<byte> ha2 = stackalloc byte[length];
        Span<byte> response = stackalloc byte[length];
        ComputeHa1(algorithm, username, realm, password, ha1);
        ComputeHa2(algorithm, method, uri, ha2);
        ComputeResponse(algorithm, ha1, nonce, nonceCount, clientNonce, ha2, response);
        return Encoding.ASCII.GetString(response);
    }

    /// <summary>Lower-cases an ASCII hex string into bytes; false if it is not hex of the expected length.</summary>
    public static bool TryNormalizeHex(string? hex, int expectedLength, Span<byte> destination)
    {
        if (hex is null || hex.Length != expectedLength || destination.Length < expectedLength)
        {
            return false;
        }

        for (var i = 0; i < hex.Length; i++)
        {
            var c = hex[i];
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            destination[i] = (byte)char.ToLowerInvariant(c);
        }

        return true;
    }

    private static void HashJoined(DigestAlgorithm algorithm, Span<byte> hexDestination, string first, string second, string? third)
    {
        var length = Utf8Max(first) + 1 + Utf8Max(second) + (third is null ? 0 : 1 + Utf8Max(third));
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = 0;
            Append(buffer, ref written, first);
            Append(buffer, ref written, second, last: third is null);
            if (third is not null)
            {
                Append(buffer, ref written, third, last: true);
            }

            HashToHex(algorithm, buffer[..written], hexDestination);

            // The buffer may have held a password: clear it before the stack or another renter reuses it.
            CryptographicOperations.ZeroMemory(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // MD5 is managed (Md5: digest inputs are one or two blocks, where OpenSSL's per-call context costs more than
    // the hash); SHA-256 stays with the framework.
    private static void HashToHex(DigestAlgorithm algorithm, ReadOnlySpan<byte> input, Span<byte> hexDestination)
    {
        Span<byte> hash = stackalloc byte[32];
        int size;
        if (algorithm == DigestAlgorithm.Sha256)
        {
            size = SHA256.HashData(input, hash);
        }
        else
        {
            Md5.HashData(input, hash);
            size = Md5.HashSize;
        }

        for (var i = 0; i < size; i++)
        {
            hexDestination[2 * i] = HexDigit(hash[i] >> 4);
            hexDestination[(2 * i) + 1] = HexDigit(hash[i] & 0xF);
        }
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static int Utf8Max(string? text) => text is null ? 0 : Encoding.UTF8.GetMaxByteCount(text.Length);

    private static void Append(Span<byte> buffer, ref int written, string? text, bool last = false)
    {
        written += Encoding.UTF8.GetBytes(text ?? string.Empty, buffer[written..]);
        if (!last)
        {
            buffer[written++] = (byte)':';
        }
    }

    private static void Append(Span<byte> buffer, ref int written, ReadOnlySpan<byte> bytes, bool last = false)
    {
        bytes.CopyTo(buffer[written..]);
        written += bytes.Length;
        if (!last)
        {
            buffer[written++] = (byte)':';
        }
    }
}
