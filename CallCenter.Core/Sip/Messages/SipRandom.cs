using System.Security.Cryptography;

namespace CallCenter.Core.Sip.Messages;

/// <summary>
/// The cryptographic randomness of the SIP layer: tags (§19.3), branches (§8.1.1.7), nonces. Every response and
/// every request needs a few bytes, and each <see cref="RandomNumberGenerator.Fill"/> is a call into OpenSSL that
/// costs far more than the bytes (error-queue clearing, a getpid, parameter lookups: ~5 % of a whole registration
/// in the profile). So each thread takes 512 bytes at a time from the same generator and hands them out in order;
/// the bytes are just as unpredictable, and a byte is never handed out twice.
/// <para>Threading: the buffer is per thread, so any thread may call without a lock.</para>
/// </summary>
public static class SipRandom
{
    private const int BufferBytes = 512;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_used;

    /// <summary>Fills <paramref name="destination"/> with cryptographically strong random bytes.</summary>
    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BufferBytes / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        var buffer = t_buffer ??= new byte[BufferBytes];
        if (t_used == 0 || t_used + destination.Length > BufferBytes)
        {
            RandomNumberGenerator.Fill(buffer);
            t_used = 0;
        }

        var slice = buffer.AsSpan(t_used, destination.Length);
        slice.CopyTo(destination);

        // Wiped once handed out, so that what sits in memory is only what has not been used yet.
        slice.Clear();
        t_used += destination.Length;
    }
}
