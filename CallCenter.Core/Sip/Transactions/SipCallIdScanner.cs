using System.Text;

namespace CallCenter.Core.Sip.Transactions;

/// <summary>
/// Finds the Call-ID of a raw message without parsing it, so that a transport loop can pick the shard at the cost of
/// a scan over the header bytes (STYLE §4: the loop only hands on). The value found is the one the parser reads for
/// well-formed messages; for garbage it may be anything, which only decides where the garbage gets rejected.
/// </summary>
internal static class SipCallIdScanner
{
    /// <summary>The raw value of the first Call-ID line (long form or compact <c>i</c>, any case), trimmed; empty
    /// when the header section has none.</summary>
    public static ReadOnlySpan<byte> Find(ReadOnlySpan<byte> message)
    {
        var i = 0;

        // §7.5: CRLFs before the start line are ignored.
        while (i + 1 < message.Length && message[i] == '\r' && message[i + 1] == '\n')
        {
            i += 2;
        }

        var startLine = message[i..].IndexOf("\r\n"u8);
        if (startLine < 0)
        {
            return default;
        }

        i += startLine + 2;
        while (i < message.Length)
        {
            var rest = message[i..];
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            if (line.IsEmpty)
            {
                return default;
            }

            if (TryValue(line, out var value))
            {
                return value;
            }

            if (end < 0)
            {
                return default;
            }

            i += end + 2;
        }

        return default;
    }

    /// <summary>The shard for a Call-ID: a seeded hash (HashCode is randomised per process, so a peer cannot choose
    /// Call-IDs that all land on one shard), or shard 0 when there is no Call-ID.</summary>
    public static int ShardOf(ReadOnlySpan<byte> callId, int shardCount)
    {
        if (callId.IsEmpty)
        {
            return 0;
        }

        var hash = new HashCode();
        hash.AddBytes(callId);
        return (int)((uint)hash.ToHashCode() % (uint)shardCount);
    }

    public static int ShardOf(string callId, int shardCount)
    {
        Span<byte> buffer = callId.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(callId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(callId.Length)];
        var length = Encoding.UTF8.GetBytes(callId, buffer);
        return ShardOf(buffer[..length], shardCount);
    }

    private static bool TryValue(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> value)
    {
        value = default;
        int nameLength;
        if (line.Length > 7 && Ascii.EqualsIgnoreCase(line[..7], "Call-ID"u8))
        {
            nameLength = 7;
        }
        else if (line.Length > 1 && (line[0] | 0x20) == 'i')
        {
            nameLength = 1;
        }
        else
        {
            return false;
        }

        // §7.3.1: whitespace may separate the name from the colon.
        var colon = nameLength;
        while (colon < line.Length && line[colon] is (byte)' ' or (byte)'\t')
        {
            colon++;
        }

        if (colon >= line.Length || line[colon] != ':')
        {
            return false;
        }

        value = line[(colon + 1)..].Trim(" \t"u8);
        return !value.IsEmpty;
    }
}
